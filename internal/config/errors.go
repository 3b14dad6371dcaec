package config

import (
	"fmt"
	"strings"
)

// Error is one problem found in a config file. Line and Col (1-based; Col
// counts bytes) locate the offending key or value and are 0 when unknown.
// Path is the JSON path of the offending element, such as
// "toolchains[2].kind", and is empty for problems with the file as a whole.
type Error struct {
	File      string
	Line, Col int
	Path      string
	Msg       string
}

// Error formats e as "file:line:col: path: msg", leaving out the parts that
// are unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Col)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a config file, in file order. Parse and
// Load return it (as their error) when the file is not valid.
type Errors []*Error

// Error joins the messages of all errors, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// FlagError is a problem with a command-line override (see Config.Apply).
type FlagError struct {
	// Flag is the flag as written on the command line, such as "--toolchain".
	Flag string
	Msg  string
}

// Error formats e as "--flag: msg".
func (e *FlagError) Error() string { return e.Flag + ": " + e.Msg }

// position converts byte offsets in a file into 1-based line and column
// numbers.
type position struct {
	lineStarts []int // byte offset at which each line starts
}

func newPosition(data []byte) position {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return position{lineStarts: starts}
}

// lineCol returns the line and column of byte offset off.
func (p position) lineCol(off int) (line, col int) {
	// Binary search for the last line starting at or before off.
	lo, hi := 0, len(p.lineStarts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.lineStarts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - p.lineStarts[lo] + 1
}
