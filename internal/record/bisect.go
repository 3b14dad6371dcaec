package record

import "github.com/gorepro/gorepro/bisect"

// Bisect is the record of a `gorepro bisect` run, stored in results.json
// next to the cells its probes built: what was searched, and the search
// (package bisect's Result, whose fields are stored inline).
type Bisect struct {
	// Axis is what was bisected: "protobuf", "module:PATH", "go" or
	// "toolchain"; Fixed the other axes of the cell, held constant.
	Axis  string            `json:"axis"`
	Fixed map[string]string `json:"fixed"`
	BadIf string            `json:"badIf"`
	bisect.Result
	// Reproduce holds, for each side of the boundary, the commands that
	// build and run it.
	Reproduce map[string]string `json:"reproduce,omitempty"`
	// Commits holds, on the commit axis, the commit of each side of the
	// boundary ("before", "after") with its subject and author.
	Commits map[string]SourceState `json:"commits,omitempty"`
}
