package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// Limits on the logs the HTML report quotes, so that a run with many cells
// and chatty binaries still gives a file a browser opens quickly.
const (
	// htmlLogHead and htmlLogTail are how many bytes of a long log are
	// kept from its start and its end; the middle is cut.
	htmlLogHead = 8 << 10
	htmlLogTail = 8 << 10
	// htmlLogBudget bounds the log text of one report; logs past it are
	// named, not quoted.
	htmlLogBudget = 4 << 20
)

// htmlOutcomes are the outcomes in the order the legend shows them.
func htmlOutcomes() []record.Outcome {
	return []record.Outcome{record.Pass, record.Crash, record.Timeout, record.Fail, record.BuildError, record.Unavailable}
}

// WriteHTML writes run as one self-contained HTML page for CI artifacts:
// the summary, one coloured grid per target (rows toolchain and
// architecture, columns protobuf × cover, see Pivot), the environment and
// toolchains, and for every cell a <details> section (anchor
// "cell-<id>") with its axes, outcome, signature or reason, frames,
// reproduction script and its build and run logs read from files (the
// run directory; nil leaves the logs out), long logs cut to their head and
// tail. Clicking a grid cell opens its section; the page loads nothing
// from the network (its Content-Security-Policy forbids it) and every
// text from the run is HTML-escaped and passed through redact.Text.
func WriteHTML(w io.Writer, run *record.Run, files fs.FS) error {
	page := newHTMLPage(run, files)
	var buf bytes.Buffer
	if err := htmlReportTemplate().Execute(&buf, page); err != nil {
		return fmt.Errorf("rendering HTML report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing HTML report: %w", err)
	}
	return nil
}

// htmlReportTemplate parses the page template. It is parsed per report,
// which costs far less than reading the logs.
func htmlReportTemplate() *template.Template {
	return template.Must(template.New("report").Parse(htmlTemplate))
}

// htmlPage is what the template shows; every string in it is already
// redacted (html/template escapes it).
type htmlPage struct {
	ID          string
	Summary     string
	Interrupted bool
	// Analysis holds one line per target (" for repro: crash iff …") and
	// the analysis's notes (": protobuf v1.33.0 was not tested …").
	Analysis []htmlAnalysisLine
	// Diffs are the diffs of the GOROOT files two builds of one Go
	// version differ in.
	Diffs       []htmlDiff
	CSP         string
	CSS         template.CSS
	Script      template.JS
	Legend      []htmlLegendItem
	Tables      []htmlTable
	Bisect      *htmlBisect
	Environment []htmlField
	Toolchains  []htmlToolchain
	Cells       []htmlCell
}

// htmlField is one name and value of a definition list or table.
type htmlField struct {
	Name, Value string
}

// htmlLegendItem is one outcome of the legend.
type htmlLegendItem struct {
	Class, Symbol, Outcome string
}

// htmlTable is one target's grid.
type htmlTable struct {
	Target, Kind string
	// Groups are the protobuf versions over the columns (empty when the
	// target has no protobuf axis); Columns the cover flags, or the whole
	// label when there are no groups.
	Groups  []htmlGroup
	Columns []string
	Rows    []htmlRow
}

// htmlGroup is a heading over Span columns.
type htmlGroup struct {
	Label string
	Span  int
}

// htmlRow is one toolchain (and architecture) of a grid.
type htmlRow struct {
	Label string
	Cells []*htmlGridCell
}

// htmlGridCell is one coloured cell of a grid, linking to its details.
type htmlGridCell struct {
	Anchor, Class, Text, Title string
}

// htmlToolchain is one row of the toolchains table.
type htmlToolchain struct {
	Name, Kind, GoVersion, GOROOT, Status, Warning string
	Available                                      bool
	GoEnv                                          []htmlField
	Container                                      []htmlField
}

// htmlBisect is the bisection of a bisect run.
type htmlBisect struct {
	Axis, Conclusion string
	Facts            []htmlField
	Probes           []htmlProbe
}

// htmlProbe is one probe of a bisection.
type htmlProbe struct {
	Version, Verdict, Outcome, Class, Runs, Built, Detail, Anchor string
}

// htmlCell is the details section of one cell.
type htmlCell struct {
	Anchor, ID, Class, Symbol, Outcome, Headline string
	Fields                                       []htmlField
	Signature, Reason, Hint                      string
	Frames, Tail                                 []string
	KnownIssues                                  []htmlKnownIssue
	Warnings                                     []string
	Runs                                         []htmlRun
	Script                                       string
	Logs                                         []htmlLog
}

// htmlKnownIssue is a known upstream issue a crash matches.
type htmlKnownIssue struct {
	ID, URL, Text string
}

// htmlRun is one run of a cell's binary.
type htmlRun struct {
	Index, Outcome, Class, Exit, Seconds, Detail string
}

// htmlLog is one log of a cell: its text (possibly cut) or why it is not
// there.
type htmlLog struct {
	Name, Path, Size, Note, Text string
	Open                         bool
}

// newHTMLPage builds the page of run, reading logs from files.
func newHTMLPage(run *record.Run, files fs.FS) *htmlPage {
	p := &htmlPage{
		ID:          clean(run.ID),
		Summary:     clean(Summary(run.Cells)),
		Interrupted: run.Interrupted,
		CSS:         template.CSS(htmlCSS),
		Script:      template.JS(htmlScript),
		CSP: "default-src 'none'; style-src " + cspHash(htmlCSS) + "; script-src " + cspHash(htmlScript) +
			"; img-src data:; base-uri 'none'; form-action 'none'",
	}
	if run.Analysis != nil {
		for _, line := range strings.Split(strings.TrimRight(AnalysisLines(run.Analysis), "\n"), "\n") {
			switch { // not the diffs under a line: they have blocks of their own
			case strings.HasPrefix(line, "which axes matter"):
				p.Analysis = append(p.Analysis, htmlAnalysisLine{Lead: "Which axes matter", Text: clean(strings.TrimPrefix(line, "which axes matter"))})
			case strings.HasPrefix(line, "note: "):
				p.Analysis = append(p.Analysis, htmlAnalysisLine{Lead: "Note", Text: clean(strings.TrimPrefix(line, "note"))})
			}
		}
		for _, t := range run.Analysis.Targets {
			for _, d := range fileDiffs(t) {
				p.Diffs = append(p.Diffs, htmlDiff{Title: clean(fmt.Sprintf("%s: %s from %s to %s", t.Target, d.Path, d.good, d.bad)), Body: clean(d.Diff)})
			}
		}
	}
	for _, o := range htmlOutcomes() {
		p.Legend = append(p.Legend, htmlLegendItem{Class: outcomeClass(o), Symbol: OutcomeSymbol(o), Outcome: string(o)})
	}

	anchors := cellAnchors(run.Cells)
	// Pivot's tables point into run.Cells, so a cell's address finds its anchor.
	byCell := make(map[*record.Cell]string, len(run.Cells))
	for i := range run.Cells {
		byCell[&run.Cells[i]] = anchors[i]
	}
	for _, t := range Pivot(run.Cells) {
		p.Tables = append(p.Tables, newHTMLTable(t, byCell))
	}
	if run.Bisect != nil {
		p.Bisect = newHTMLBisect(run.Bisect, run.Cells, anchors)
	}
	p.Environment = htmlEnvironment(run, newRunFacts(run))
	for _, tc := range run.Toolchains {
		p.Toolchains = append(p.Toolchains, newHTMLToolchain(tc))
	}
	budget := htmlLogBudget
	for i, c := range run.Cells {
		p.Cells = append(p.Cells, newHTMLCell(c, anchors[i], files, &budget))
	}
	return p
}

// clean makes s safe to show: characters HTML and XML cannot hold become
// U+FFFD and credentials are redacted (see redact.Text).
func clean(s string) string {
	return redact.Text(xmlText(s))
}

// cspHash is the Content-Security-Policy source allowing exactly the
// inline element whose text is s.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// outcomeClass is the CSS class colouring an outcome.
func outcomeClass(o record.Outcome) string {
	if o.Valid() {
		return "o-" + string(o)
	}
	return "o-unknown"
}

// cellAnchors returns, for each cell, the id of its details section:
// "cell-" and the (redacted) cell ID with characters outside
// [A-Za-z0-9._-] replaced, made unique.
func cellAnchors(cells []record.Cell) []string {
	seen := map[string]bool{}
	anchors := make([]string, len(cells))
	for i, c := range cells {
		id := strings.Map(func(r rune) rune {
			if r == '.' || r == '_' || r == '-' || r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return r
			}
			return '-'
		}, redact.Text(c.ID))
		anchor := "cell-" + id
		for n := 2; seen[anchor]; n++ {
			anchor = "cell-" + id + "-" + strconv.Itoa(n)
		}
		seen[anchor] = true
		anchors[i] = anchor
	}
	return anchors
}

// newHTMLTable turns one pivot table into a grid.
func newHTMLTable(t PivotTable, anchors map[*record.Cell]string) htmlTable {
	ht := htmlTable{Target: clean(wording.OrDash(t.Target)), Kind: clean(t.TargetKind)}
	grouped := slices.ContainsFunc(t.Columns, func(c PivotColumn) bool { return c.Protobuf != "" })
	for _, col := range t.Columns {
		if !grouped {
			ht.Columns = append(ht.Columns, clean(col.Label()))
			continue
		}
		label := clean(wording.OrDash(col.Protobuf))
		if n := len(ht.Groups); n > 0 && ht.Groups[n-1].Label == label {
			ht.Groups[n-1].Span++
		} else {
			ht.Groups = append(ht.Groups, htmlGroup{Label: label, Span: 1})
		}
		ht.Columns = append(ht.Columns, PivotColumn{Cover: col.Cover}.Label())
	}
	for _, r := range t.Rows {
		row := htmlRow{Label: clean(r.Label())}
		for ci, c := range r.Cells {
			if c == nil {
				row.Cells = append(row.Cells, nil)
				continue
			}
			title := fmt.Sprintf("%s · %s · %s: %s", r.Label(), t.Target, t.Columns[ci].Label(), OutcomeColumn(*c))
			if runs := RunsColumn(*c); runs != "-" {
				title += " " + runs
			}
			if note := SignatureColumn(*c); note != "" {
				title += " — " + note
			}
			row.Cells = append(row.Cells, &htmlGridCell{
				Anchor: anchors[c],
				Class:  outcomeClass(c.Outcome),
				Text:   clean(PivotText(c)),
				Title:  clean(title),
			})
		}
		ht.Rows = append(ht.Rows, row)
	}
	return ht
}

// htmlEnvironment lists where and when the run happened.
func htmlEnvironment(run *record.Run, facts *runFacts) []htmlField {
	var env []htmlField
	add := func(name, value string) {
		if value != "" {
			env = append(env, htmlField{name, clean(value)})
		}
	}
	add("Run", run.ID)
	add("gorepro", wording.OrDash(run.GoreproVersion))
	when := ""
	if !run.Started.IsZero() {
		when = "started " + run.Started.UTC().Format(time.RFC3339)
	}
	if !run.Finished.IsZero() {
		when = strings.TrimSpace(when + " finished " + run.Finished.UTC().Format(time.RFC3339))
		if facts.timed {
			when += " (" + facts.took.String() + ")"
		}
	}
	add("Time", when)
	host := hostName(run.Host)
	if run.Host.NumCPU > 0 {
		host += fmt.Sprintf(", %d CPUs", run.Host.NumCPU)
	}
	add("Host", host)
	add("Kernel", run.Host.Kernel)
	config := run.Config
	if run.ConfigSHA256 != "" {
		config += " (sha256 " + run.ConfigSHA256 + ")"
	}
	add("Config", config)
	if engines := htmlEngines(facts.engines); engines != "" {
		add("Container engine", engines)
	}
	if emulated := htmlEmulation(facts.emulation); emulated != "" {
		add("Emulation", emulated)
	}
	if run.Shard != nil {
		add("Shard", fmt.Sprintf("%d/%d: %d of %d cells", run.Shard.Index, run.Shard.Count, run.Shard.Assigned, run.Shard.Total))
	}
	for _, r := range run.Runners {
		add("Merged from", fmt.Sprintf("%s (%s, %s/%s, %d cells)", r.RunID, r.Source, wording.OrDash(r.Host.GOOS), wording.OrDash(r.Host.GOARCH), r.Cells))
	}
	if run.Interrupted {
		add("Interrupted", "the run was stopped before every cell finished")
	}
	for _, c := range run.Collapsed {
		add("Collapsed", c.String())
	}
	return env
}

// htmlEngines names the container engines and versions the run used.
func htmlEngines(used []record.Container) string {
	var engines []string
	for _, c := range used {
		e := c.Engine + " " + c.EngineVersion
		if c.EngineHostArch != "" {
			e += " (engine host " + c.EngineHostArch + ")"
		}
		engines = append(engines, e)
	}
	return strings.Join(engines, ", ")
}

// htmlEmulation says whether any binary ran under emulation.
func htmlEmulation(em emulationFacts) string {
	if len(em.byEmulator) == 0 {
		if em.ran > 0 {
			return "none: every binary ran natively"
		}
		return ""
	}
	var parts []string
	for _, e := range em.emulators() {
		parts = append(parts, fmt.Sprintf("%d %s under %s", em.byEmulator[e], wording.Plural(em.byEmulator[e], "cell", "cells"), e))
	}
	return strings.Join(parts, ", ")
}

// htmlAnalysisLine is one line of the analysis: its bold lead and the
// rest.
type htmlAnalysisLine struct {
	Lead, Text string
}

// htmlDiff is a diff of one GOROOT file between two builds.
type htmlDiff struct {
	Title, Body string
}

// newHTMLToolchain describes one resolved toolchain.
func newHTMLToolchain(tc record.Toolchain) htmlToolchain {
	h := htmlToolchain{
		Name:      clean(tc.Name),
		Kind:      clean(tc.Kind),
		GoVersion: clean(tc.GoVersion + tc.Experiments),
		GOROOT:    clean(tc.GOROOT),
		Available: tc.Available,
		Status:    "available",
		Warning:   clean(tc.Warning),
	}
	if !tc.Available {
		h.Status = clean(wording.OrDash(tc.Reason))
	}
	for _, k := range goEnvKeys(tc.GoEnv) {
		h.GoEnv = append(h.GoEnv, htmlField{k, clean(tc.GoEnv[k])})
	}
	h.Container = containerFields(tc.Container)
	return h
}

// containerFields describes an engine and the images it used.
func containerFields(c *record.Container) []htmlField {
	if c == nil {
		return nil
	}
	var fields []htmlField
	add := func(name, value string) {
		if value != "" {
			fields = append(fields, htmlField{name, clean(value)})
		}
	}
	if c.Engine != "" {
		add("engine", strings.TrimSpace(c.Engine+" "+c.EngineVersion))
	}
	add("platform", c.Platform)
	add("image", htmlImageText(builderImage(c)))
	add("runtime image", htmlImageText(runtimeImage(c)))
	return fields
}

// htmlImageText is an image reference with its digest (or ID) and
// architecture, "" when there is no image.
func htmlImageText(img imageFacts) string {
	if img.ref == "" && img.digest == "" && img.id == "" {
		return ""
	}
	text := wording.OrDash(img.ref)
	switch {
	case img.digest != "":
		text += " @ " + img.digest
	case img.id != "":
		text += " (id " + img.id + ")"
	}
	if img.arch != "" {
		text += ", " + img.arch
	}
	return text
}

// newHTMLBisect describes a bisection.
func newHTMLBisect(bi *record.Bisect, cells []record.Cell, anchors []string) *htmlBisect {
	h := &htmlBisect{Axis: clean(bi.Axis), Conclusion: clean(bi.Conclusion)}
	var fixed []string
	for _, k := range slices.Sorted(maps.Keys(bi.Fixed)) {
		fixed = append(fixed, k+"="+bi.Fixed[k])
	}
	add := func(name, value string) {
		if value != "" {
			h.Facts = append(h.Facts, htmlField{name, clean(value)})
		}
	}
	add("held fixed", strings.Join(fixed, ", "))
	add("bad if", bi.BadIf)
	add("candidates", strings.Join(bi.Candidates, " "))
	if bi.Boundary != nil {
		add("boundary", wording.OrDash(bi.Direction)+" between "+bi.Boundary.Before+" and "+bi.Boundary.After)
	}
	add("skipped between them", strings.Join(bi.Between, " "))
	add("skipped", strings.Join(bi.Skipped, " "))
	if bi.Flaky {
		add("flaky", strings.Join(bi.FlakyVersions, " "))
	}
	add("cells built", strconv.Itoa(bi.Builds))
	for _, pr := range bi.Probes {
		anchor := ""
		if i := slices.IndexFunc(cells, func(c record.Cell) bool { return c.ID == pr.CellID }); pr.CellID != "" && i >= 0 {
			anchor = anchors[i]
		}
		h.Probes = append(h.Probes, htmlProbe{
			Version: clean(pr.Version),
			Verdict: clean(string(pr.Verdict)),
			Outcome: clean(string(pr.Outcome)),
			Class:   outcomeClass(record.Outcome(pr.Outcome)),
			Runs:    fmt.Sprintf("%d (%d bad)", pr.Runs, pr.BadRuns),
			Built:   builtLabel(pr),
			Detail:  clean(wording.OneLine(probeDetail(pr))),
			Anchor:  anchor,
		})
	}
	return h
}

// newHTMLCell builds the details of one cell; budget is the log text the
// report may still quote.
func newHTMLCell(c record.Cell, anchor string, files fs.FS, budget *int) htmlCell {
	h := htmlCell{
		Anchor:    anchor,
		ID:        clean(wording.OrDash(c.ID)),
		Class:     outcomeClass(c.Outcome),
		Symbol:    OutcomeSymbol(c.Outcome),
		Outcome:   clean(OutcomeColumn(c)),
		Script:    clean(strings.TrimRight(c.Reproduce.Script, "\n")),
		Fields:    htmlCellFields(c),
		Signature: clean(c.Signature),
		Reason:    clean(c.Reason),
		Hint:      clean(c.Hint),
	}
	if runs := RunsColumn(c); runs != "-" {
		h.Outcome += " " + runs
	}
	if note := SignatureColumn(c); note != "" {
		h.Headline = clean(note)
	}
	for _, line := range c.Tail {
		h.Tail = append(h.Tail, clean(line))
	}
	for _, f := range c.Frames {
		h.Frames = append(h.Frames, clean(f))
	}
	for _, k := range c.KnownIssues {
		text := knownIssueText(k, func(s string) string { return s })
		h.KnownIssues = append(h.KnownIssues, htmlKnownIssue{ID: clean(k.ID), URL: clean(k.URL), Text: clean(text)})
	}
	for _, w := range c.Warnings {
		h.Warnings = append(h.Warnings, clean(w))
	}
	for _, r := range c.RunResults {
		h.Runs = append(h.Runs, newHTMLRun(r))
	}
	h.Logs = cellLogs(c, files, budget)
	return h
}

// htmlCellFields lists what a cell is: its axes, outcome, times,
// container and sources.
func htmlCellFields(c record.Cell) []htmlField {
	var fields []htmlField
	add := func(name, value string) {
		if value != "" {
			fields = append(fields, htmlField{name, clean(value)})
		}
	}
	add("Toolchain", withKind(wording.OrDash(c.Toolchain), c.ToolchainKind))
	add("Go", wording.OrDash(c.GoVersion))
	add("Target", withKind(wording.OrDash(c.Target), c.TargetKind))
	add("Protobuf", ProtobufColumn(c))
	add("Protobuf note", c.ProtobufNote)
	if c.BuildCrash != nil {
		add("Build crash", c.BuildCrash.String())
	}
	add("Cover", record.CoverColumn(c))
	arch := record.ArchColumn(c)
	if c.Emulated && c.Emulator != "" {
		arch += " by " + c.Emulator
	}
	if c.GOOS != "" {
		arch += " (" + c.GOOS + ")"
	}
	add("Arch (binary/host)", arch)
	outcome := OutcomeColumn(c)
	if runs := RunsColumn(c); runs != "-" {
		outcome += ", " + runs + " runs"
		if len(c.OutcomeCounts) > 0 {
			outcome += " (" + runCounts(c.OutcomeCounts) + ")"
		}
	}
	add("Outcome", outcome)
	if c.BuildSeconds > 0 || c.RunSeconds > 0 {
		add("Time", fmt.Sprintf("build %.1fs, runs %.1fs", c.BuildSeconds, c.RunSeconds))
	}
	for _, f := range containerFields(c.Container) {
		fields = append(fields, htmlField{"Container " + f.Name, f.Value})
	}
	if c.Cached {
		add("Cached", "the result of an identical earlier cell was reused")
	}
	if c.Interrupted {
		add("Interrupted", "the run was stopped before this cell finished")
	}
	add("Sources", c.Reproduce.Sources)
	return fields
}

// newHTMLRun describes one run of a cell's binary.
func newHTMLRun(r record.RunResult) htmlRun {
	exit := strconv.Itoa(r.ExitCode)
	if r.Signal != "" {
		exit = r.Signal
	}
	detail := r.Signature
	if detail == "" {
		detail = r.Reason
	}
	if r.Truncated {
		detail = strings.TrimSpace(detail + " (output truncated when captured)")
	}
	return htmlRun{
		Index:   strconv.Itoa(r.Index),
		Outcome: clean(string(r.Outcome)),
		Class:   outcomeClass(r.Outcome),
		Exit:    clean(exit),
		Seconds: fmt.Sprintf("%.2fs", r.Seconds),
		Detail:  clean(wording.OneLine(detail)),
	}
}

// withKind is "name (kind)", or name when kind is empty.
func withKind(name, kind string) string {
	if kind == "" {
		return name
	}
	return name + " (" + kind + ")"
}

// runCounts formats per-outcome run counts, worst first, e.g. "crash 1,
// pass 2".
func runCounts(counts map[record.Outcome]int) string {
	outcomes := slices.SortedFunc(maps.Keys(counts), func(a, b record.Outcome) int {
		if d := b.Severity() - a.Severity(); d != 0 {
			return d
		}
		return strings.Compare(string(a), string(b))
	})
	parts := make([]string, len(outcomes))
	for i, o := range outcomes {
		parts[i] = fmt.Sprintf("%s %d", o, counts[o])
	}
	return strings.Join(parts, ", ")
}

// cellLogs reads a cell's build and run logs. The log that explains the
// outcome (the build log of a build error, the first run with the cell's
// outcome otherwise) is shown open.
func cellLogs(c record.Cell, files fs.FS, budget *int) []htmlLog {
	var logs []htmlLog
	if c.Logs.Build != "" {
		logs = append(logs, readHTMLLog(files, c.Logs.Build, budget))
		if c.Outcome == record.BuildError {
			logs[0].Open = true
		}
	}
	opened := c.Outcome == record.Pass || c.Outcome == record.BuildError
	for i, p := range c.Logs.Runs {
		l := readHTMLLog(files, p, budget)
		if !opened && l.Text != "" && runOutcome(c, i, p) == c.Outcome {
			l.Open, opened = true, true
		}
		logs = append(logs, l)
	}
	return logs
}

// runOutcome is the outcome of the run whose log is the i-th run log p.
func runOutcome(c record.Cell, i int, p string) record.Outcome {
	for _, r := range c.RunResults {
		if r.Log == p {
			return r.Outcome
		}
	}
	if i < len(c.RunResults) {
		return c.RunResults[i].Outcome
	}
	return c.Outcome
}

// readHTMLLog reads one log for the report: redacted, its middle cut when
// it is long, or a note saying why it is not quoted.
func readHTMLLog(files fs.FS, p string, budget *int) htmlLog {
	l := htmlLog{Name: clean(path.Base(p)), Path: clean(p)}
	if files == nil {
		l.Note = "not quoted: the report was rendered without the run directory"
		return l
	}
	data, err := fs.ReadFile(files, p)
	if err != nil {
		l.Note = clean("not quoted: " + err.Error())
		return l
	}
	l.Size = byteSize(len(data))
	if *budget <= 0 {
		l.Note = fmt.Sprintf("not quoted: the report already quotes %s of logs; see %s in the run directory", byteSize(htmlLogBudget), l.Path)
		return l
	}
	text := clean(string(data))
	text, l.Note = trimLog(text, htmlLogHead, htmlLogTail)
	*budget -= len(text)
	if text == "" {
		l.Note = "empty"
	}
	l.Text = text
	return l
}

// trimLog keeps the first head and last tail bytes of a longer log, cut at
// line ends where it can, with a line saying what was cut in between. note
// says the same for the log's summary line; "" when nothing was cut.
func trimLog(s string, head, tail int) (text, note string) {
	if len(s) <= head+tail {
		return s, ""
	}
	h := s[:head]
	if i := strings.LastIndexByte(h, '\n'); i > 0 {
		h = h[:i+1]
	}
	for len(h) > 0 && !utf8.RuneStart(s[len(h)]) {
		h = h[:len(h)-1]
	}
	start := len(s) - tail
	if i := strings.IndexByte(s[start:], '\n'); i >= 0 && start+i+1 < len(s) {
		start += i + 1
	}
	for start < len(s) && !utf8.RuneStart(s[start]) {
		start++
	}
	cut := s[len(h):start]
	lines := strings.Count(cut, "\n")
	note = fmt.Sprintf("cut: %s (%d lines) from the middle; the first %s and the last %s are shown",
		byteSize(len(cut)), lines, byteSize(len(h)), byteSize(len(s)-start))
	marker := fmt.Sprintf("\n[… gorepro cut %s (%d lines) here; the whole log is in the run directory …]\n\n", byteSize(len(cut)), lines)
	return h + marker + s[start:], note
}

// byteSize formats a size for people: "512 B", "7.0 KiB", "1.5 MiB".
func byteSize(n int) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
