package images

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gorepro/gorepro/internal/atomicfile"
	"github.com/gorepro/gorepro/internal/config"
)

// Added is what AddToConfig did with each entry: the names it added, and
// the names it kept as the config had them (an entry of that name was
// already there: never replaced).
type Added struct {
	Added, Kept []string
}

// AddToConfig adds tcs to the "toolchains" array of the config at path and
// writes it back atomically. The file is edited as text, so its layout,
// key order and other entries stay as they were: each new entry is one
// line after the array's last element, indented like it. An entry whose
// name the config already has is kept as it is. The result must be a
// valid config (config.Parse) before it replaces the file, so a config
// whose only fault was an empty toolchains array is filled; on any error
// the file is untouched.
func AddToConfig(path string, tcs []Toolchain) (Added, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Added{}, fmt.Errorf("%s does not exist: create it first, e.g. gorepro images --toolchains REPOSITORY > %s, then add targets", path, path)
		}
		return Added{}, err
	}
	_, before := config.Parse(path, data)
	out, added, err := addToolchains(data, tcs)
	if err != nil {
		if before != nil {
			return Added{}, fmt.Errorf("%s is not a valid config, so nothing was added: %w", path, before)
		}
		return Added{}, fmt.Errorf("adding toolchains to %s: %w", path, err)
	}
	if len(added.Added) == 0 {
		return added, nil
	}
	// A config whose only fault was an empty toolchains array is valid
	// now; any other fault stays, and nothing is written.
	if _, err := config.Parse(path, out); err != nil {
		if before != nil {
			return Added{}, fmt.Errorf("%s is not a valid config, so nothing was added: %w", path, err)
		}
		return Added{}, fmt.Errorf("adding toolchains to %s would make it invalid, so nothing was written: %w", path, err)
	}
	return added, writeAtomic(path, out)
}

// toolchainsArray is where a config's top-level "toolchains" array is:
// the offsets of its closing bracket and of the end of its last element
// (-1 when empty), the indentation of its elements, and the names they
// have.
type toolchainsArray struct {
	found            bool
	closing, lastEnd int
	indent           string
	names            map[string]bool
}

// addToolchains returns data with tcs added to its toolchains array (see
// AddToConfig).
func addToolchains(data []byte, tcs []Toolchain) ([]byte, Added, error) {
	arr, err := findToolchains(data)
	if err != nil {
		return nil, Added{}, err
	}
	if !arr.found {
		return nil, Added{}, errors.New(`the config has no "toolchains" array: add "toolchains": [] first`)
	}
	var added Added
	var lines []string
	for _, tc := range tcs {
		if arr.names[tc.Name] {
			added.Kept = append(added.Kept, tc.Name)
			continue
		}
		arr.names[tc.Name] = true
		line, err := json.Marshal(tc)
		if err != nil {
			return nil, Added{}, err
		}
		lines = append(lines, arr.indent+string(line))
		added.Added = append(added.Added, tc.Name)
	}
	if len(lines) == 0 {
		return data, added, nil
	}
	var b bytes.Buffer
	if arr.lastEnd >= 0 {
		b.Write(data[:arr.lastEnd])
		b.WriteString(",\n" + strings.Join(lines, ",\n"))
		b.Write(data[arr.lastEnd:])
	} else {
		// An empty array: the entries go between the brackets, the
		// closing one on a line of its own, indented like the key.
		closingIndent := strings.TrimSuffix(arr.indent, "  ")
		b.Write(bytes.TrimRight(data[:arr.closing], " \t\r\n"))
		b.WriteString("\n" + strings.Join(lines, ",\n") + "\n" + closingIndent)
		b.Write(data[arr.closing:])
	}
	return b.Bytes(), added, nil
}

// findToolchains reads data's top-level object token by token to find its
// "toolchains" array.
func findToolchains(data []byte) (toolchainsArray, error) {
	arr := toolchainsArray{lastEnd: -1, names: map[string]bool{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return arr, errors.New("the config is not a JSON object")
	}
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return arr, err
		}
		if key, _ := keyTok.(string); key != "toolchains" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return arr, err
			}
			continue
		}
		keyLine := lineIndent(data, int(dec.InputOffset()))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return arr, errors.New(`"toolchains" is not an array`)
		}
		arr.found, arr.indent = true, keyLine+"  "
		for dec.More() {
			start := skipSpace(data, int(dec.InputOffset()))
			var entry struct {
				Name string `json:"name"`
			}
			if err := dec.Decode(&entry); err != nil {
				return arr, err
			}
			arr.names[entry.Name] = true
			arr.lastEnd = int(dec.InputOffset())
			arr.indent = lineIndent(data, start)
		}
		if _, err := dec.Token(); err != nil { // the closing bracket
			return arr, err
		}
		arr.closing = int(dec.InputOffset()) - 1
		return arr, nil
	}
	return arr, nil
}

// skipSpace returns the offset of the first non-space byte at or after i
// (JSON's whitespace, and the comma between elements).
func skipSpace(data []byte, i int) int {
	for i < len(data) && strings.IndexByte(" \t\r\n,", data[i]) >= 0 {
		i++
	}
	return i
}

// lineIndent returns the spaces and tabs that start the line holding
// offset i.
func lineIndent(data []byte, i int) string {
	start := bytes.LastIndexByte(data[:min(i, len(data))], '\n') + 1
	end := start
	for end < len(data) && (data[end] == ' ' || data[end] == '\t') {
		end++
	}
	return string(data[start:end])
}

// writeAtomic replaces path with data through a temporary file in the same
// directory, keeping path's permissions.
func writeAtomic(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, fi.Mode().Perm())
}
