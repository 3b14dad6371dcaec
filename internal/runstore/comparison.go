package runstore

// Files of a run directory made by `gorepro matrix --baseline`: the
// comparison with the baseline, rendered by the caller and written with
// Draft.WriteFile.
const (
	// DiffJSONFile is the comparison as JSON.
	DiffJSONFile = "diff.json"
	// DiffMarkdownFile is the comparison as Markdown.
	DiffMarkdownFile = "diff.md"
)
