package crashlog

// Reading is what Read found in a log.
type Reading struct {
	// Formats are the wrappings removed, e.g. ["cri"]; ["plain"] when
	// there were none.
	Formats []string
	// Sources are the log's writers (containers, compose services, logcat
	// tags) in order of first appearance, each with its own lines.
	Sources []Source
	// Source is the writer the reading is about: the first one with a
	// crash, else the first.
	Source Source
	// Crashes are Source's crashes, in order (a container that crashed on
	// every restart has several).
	Crashes []Crash
	// Dumps counts the goroutine dumps in Source that someone asked for
	// (SIGQUIT), which are not crashes.
	Dumps int
	// Structured counts JSON log entries (zap, logr): log entries, not
	// crash output, even when a field holds a goroutine trace.
	// StructuredErrors are the messages of those logged at error level or
	// worse.
	Structured       int
	StructuredErrors []string
}

// Read reads a log: it removes the log's wrapping (see the package
// documentation), splits it by writer and finds the crashes of the first
// writer that has one.
func Read(data []byte) *Reading {
	u := unwrap(data)
	r := &Reading{Formats: u.formats, Sources: u.sources, Source: u.sources[0], Structured: u.structured, StructuredErrors: u.structuredErrors}
	for _, s := range u.sources {
		if crashes := FindCrashes(s.Lines); len(crashes) > 0 {
			r.Source, r.Crashes = s, crashes
			break
		}
	}
	r.Dumps = CountDumps(r.Source.Lines)
	return r
}
