package emulation

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gorepro/gorepro/internal/record"
)

// ProbeModulePath is the module path of the generated probe.
const ProbeModulePath = "gorepro.local/probe"

// probeGoMod is the probe's go.mod: no dependencies, and a go directive
// old enough for every toolchain a matrix may hold (the probe uses
// generics, so 1.18).
const probeGoMod = "module " + ProbeModulePath + "\n\ngo 1.18\n"

// probeMarker starts the JSON line the probe prints.
const probeMarker = `{"gorepro":"probe"`

//go:embed probe/main.go.tmpl
var probeSource []byte

// ProbeHash identifies the probe's source; it names the generated
// directory and belongs in the cache key of probe cells.
func ProbeHash() string {
	h := sha256.New()
	h.Write([]byte(probeGoMod))
	h.Write(probeSource)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// ProbeDir is the directory GenerateProbe uses under workDir.
func ProbeDir(workDir string) string {
	return filepath.Join(workDir, "probe", ProbeHash())
}

// GenerateProbe writes (or reuses) the probe module — main.go and go.mod,
// nothing to download — under workDir/probe/<hash>/ and returns its
// directory. It is written in a temporary directory renamed into place, so
// concurrent calls are safe.
func GenerateProbe(workDir string) (string, error) {
	return generate(workDir, "probe", probeGoMod, probeSource)
}

// generate writes (or reuses) a module of one main.go, source, and go.mod
// under workDir/sub/<hash of both>/ and returns its directory.
func generate(workDir, sub, goMod string, source []byte) (string, error) {
	workDir, err := filepath.Abs(workDir)
	if err != nil {
		return "", fmt.Errorf("generating %s: %w", sub, err)
	}
	h := sha256.New()
	h.Write([]byte(goMod))
	h.Write(source)
	dir := filepath.Join(workDir, sub, hex.EncodeToString(h.Sum(nil))[:12])
	if _, err := os.Stat(filepath.Join(dir, "main.go")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", fmt.Errorf("generating %s: %w", sub, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		return "", fmt.Errorf("generating %s: %w", sub, err)
	}
	defer os.RemoveAll(tmp) // gone already once renamed
	// main.go last: its presence marks a complete directory.
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(goMod), 0o644); err != nil {
		return "", fmt.Errorf("generating %s: %w", sub, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "main.go"), source, 0o644); err != nil {
		return "", fmt.Errorf("generating %s: %w", sub, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another generator won the race: its directory is as good.
		if _, statErr := os.Stat(filepath.Join(dir, "main.go")); statErr == nil {
			return dir, nil
		}
		if errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("generating %s: %s exists but is incomplete", sub, dir)
		}
		return "", fmt.Errorf("generating %s: %w", sub, err)
	}
	return dir, nil
}

// ParseProbe finds the probe's JSON line in a run's output and decodes it;
// ok is false when there is none (the probe crashed before printing it).
func ParseProbe(output []byte) (facts *record.EnvFacts, ok bool) {
	for _, line := range markedLines(output, probeMarker) {
		var f record.EnvFacts
		if err := json.Unmarshal(line, &f); err == nil {
			return &f, true
		}
	}
	return nil, false
}

// markedLines returns the lines of output that start with marker, trimmed.
func markedLines(output []byte, marker string) [][]byte {
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(output))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); bytes.HasPrefix(line, []byte(marker)) {
			lines = append(lines, bytes.Clone(line))
		}
	}
	return lines
}
