package record

import (
	"encoding/json"
	"fmt"
	"os"
)

// ReadFile decodes and checks one results.json file.
func ReadFile(file string) (*Run, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("loading results: %w", err)
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
	if run.SchemaVersion < 2 {
		// Analysed the whole run at once, before targets were analysed
		// apart: dropped, for the reader to analyse it again.
		run.Analysis = nil
	}
	return &run, nil
}
