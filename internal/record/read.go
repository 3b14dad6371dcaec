package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Limits on what ReadFile accepts: results.json files come from CI
// artifacts, some of them from forks, and a crafted one must not make
// gorepro spend unbounded memory or time. A real run of ten thousand cells
// is about 30 MB.
const (
	MaxResultsBytes = 128 << 20
	MaxCells        = 200_000
)

// ReadFile decodes and checks one results.json file.
func ReadFile(file string) (*Run, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("loading results: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxResultsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("loading results: %w", err)
	}
	if len(data) > MaxResultsBytes {
		return nil, fmt.Errorf("loading results from %s: larger than %d MB, more than gorepro reads", file, MaxResultsBytes>>20)
	}
	var run Run
	if err := json.Unmarshal(data, &run); err != nil {
		return nil, fmt.Errorf("loading results from %s: %w", file, err)
	}
	switch {
	case run.SchemaVersion == 0:
		return nil, fmt.Errorf("loading results from %s: no schemaVersion: not a gorepro results file", file)
	case run.SchemaVersion > SchemaVersion:
		return nil, fmt.Errorf("loading results from %s: schemaVersion %d is newer than the %d this gorepro supports; use a newer gorepro",
			file, run.SchemaVersion, SchemaVersion)
	case run.SchemaVersion < 0:
		return nil, fmt.Errorf("loading results from %s: invalid schemaVersion %d", file, run.SchemaVersion)
	}
	if len(run.Cells) > MaxCells {
		return nil, fmt.Errorf("loading results from %s: cells: %d cells, more than the %d gorepro reads", file, len(run.Cells), MaxCells)
	}
	// Cell IDs name directories of the run (cells/<id>/): one that is not
	// a plain file name would lead readers and merge out of the run.
	for i, c := range run.Cells {
		if err := CheckName(c.ID); err != nil {
			return nil, fmt.Errorf("loading results from %s: cells[%d].id: %w", file, i, err)
		}
	}
	if run.SchemaVersion < 2 {
		// Analysed the whole run at once, before targets were analysed
		// apart: dropped, for the reader to analyse it again.
		run.Analysis = nil
	}
	return &run, nil
}

// CheckName checks that name can be one file name inside a run directory
// (a run or cell ID): not empty, no path separator, no "..", no NUL.
func CheckName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("%q contains a path separator", name)
	case strings.Contains(name, ".."):
		return fmt.Errorf("%q contains %q", name, "..")
	case name == ".":
		return fmt.Errorf("%q is not a file name", name)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("%q contains a NUL byte", name)
	}
	return nil
}
