package report

import (
	"cmp"
	"fmt"
	"html"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
	"github.com/gorepro/gorepro/internal/report/wording"
)

// githubCommentLimit is how many characters GitHub accepts in an issue
// body or comment.
const githubCommentLimit = 65_536

// maxMarkdownRunes is the size, in characters, WriteMarkdown keeps a report
// under: below githubCommentLimit, with room for what the reporter adds.
const maxMarkdownRunes = 60_000

// WriteMarkdown writes run as a GitHub-flavoured Markdown bug report in the
// shape the Go issue template asks for: the Go version of every toolchain
// (with its images' digests), the host, container engine, emulation and
// each toolchain's go env, what was run, a pivot table of outcomes per
// target, which axes matter, one section per distinct crash signature with
// an excerpt of a real stack, the timeouts, failures, build errors and
// unavailable cells, the bisection if any, the reproducer's source and the
// commands that reproduce a failing and a passing cell.
//
// files is the run directory, where the logs and sources recorded in each
// Cell are (nil when it is not at hand: the report then quotes none). The
// report stays under maxMarkdownRunes characters, below GitHub's comment
// limit: stack excerpts are shortened first, then fewer are shown, then
// detail sections are left out, and the report says what was trimmed.
// Every log line, script, environment variable, path and reason is
// redacted (RedactText) before it is written.
func WriteMarkdown(w io.Writer, run *record.Run, files fs.FS) error {
	doc := newMarkdownReport(run, files).render()
	if _, err := io.WriteString(w, doc); err != nil {
		return fmt.Errorf("writing Markdown report: %w", err)
	}
	return nil
}

// mdLimits is how much of a run a Markdown report shows; a negative count
// means all.
type mdLimits struct {
	stackLines int // lines of a stack excerpt
	excerpts   int // crash signatures shown with a stack excerpt
	buildLines int // lines of a build log's tail
	buildLogs  int // build-error reasons shown with a build log's tail
	signatures int // crash signatures with a section of their own
	groups     int // reasons listed per outcome (timeout, fail, ...)
	cells      int // cells named in one list before "and N more"
	source     bool
	allCells   bool
	probes     bool
}

// fullLimits is a report with nothing trimmed.
func fullLimits() mdLimits {
	return mdLimits{stackLines: 40, excerpts: -1, buildLines: 20, buildLogs: -1, signatures: -1, groups: -1,
		cells: 60, source: true, allCells: true, probes: true}
}

// markdownLevels are the ever smaller reports WriteMarkdown tries until one
// fits: shorter stack excerpts first, then fewer, then fewer details.
func markdownLevels() []mdLimits {
	steps := []func(*mdLimits){
		func(l *mdLimits) {},
		func(l *mdLimits) { l.stackLines, l.buildLines = 25, 12 },
		func(l *mdLimits) { l.stackLines, l.buildLines = 15, 8 },
		func(l *mdLimits) { l.stackLines, l.buildLines = 10, 5 },
		func(l *mdLimits) { l.excerpts, l.buildLogs = 10, 5 },
		func(l *mdLimits) { l.excerpts, l.buildLogs = 5, 3 },
		func(l *mdLimits) { l.excerpts, l.buildLogs = 3, 1 },
		func(l *mdLimits) { l.excerpts = 1 },
		func(l *mdLimits) { l.allCells = false },
		func(l *mdLimits) { l.probes = false },
		func(l *mdLimits) { l.source = false },
		func(l *mdLimits) { l.cells, l.groups = 20, 10 },
		func(l *mdLimits) { l.signatures = 20 },
		func(l *mdLimits) { l.signatures, l.cells = 10, 10 },
		func(l *mdLimits) { l.excerpts, l.buildLogs = 0, 0 },
		func(l *mdLimits) { l.signatures, l.groups, l.cells = 5, 5, 5 },
	}
	levels := make([]mdLimits, len(steps))
	l := fullLimits()
	for i, step := range steps {
		step(&l)
		levels[i] = l
	}
	return levels
}

// upTo returns how many of n items a limit lets through.
func upTo(n, limit int) int {
	if limit < 0 {
		return n
	}
	return min(n, limit)
}

// markdownReport is a run prepared for WriteMarkdown: its cells grouped by
// crash signature and by reason, the cells whose commands it shows, and
// what it read from the run directory.
type markdownReport struct {
	run    *record.Run
	facts  *runFacts
	logs   *logReader // nil without a run directory
	tables []PivotTable
	// crashes are the crashed cells by signature, most cells first;
	// letter names each crashed cell's signature in the pivot tables.
	crashes []*crashGroup
	letter  map[*record.Cell]string
	// others are the timeouts, failures, build errors and unavailable
	// cells, by reason.
	others []*outcomeSection
	// failing and passing are the cells whose commands the report shows;
	// differ says in which axes passing differs from failing.
	failing, passing *record.Cell
	differ           []string
	// repro is a cell of the generated reproducer whose sources were
	// stored.
	repro *record.Cell
	// sources caches the source files read, by path ("" when unreadable).
	sources map[string]string
	// redacted caches redact.text: a report is rendered several times
	// over to fit, from the same strings.
	redacted map[string]string
}

// crashGroup is the crashed cells of one signature.
type crashGroup struct {
	letter    string
	signature string
	cells     []*record.Cell
	runs      int // runs of those cells
	crashed   int // runs that crashed
	flaky     int // cells that did not crash every run
	frames    []string
	known     []record.KnownIssueMatch
	// excerpt is one real stack of the crash (nil when no log could be
	// read); read says whether the logs were tried.
	excerpt *stackExcerpt
	from    *record.Cell
	read    bool
}

// outcomeSection is the cells of one outcome other than pass and crash.
type outcomeSection struct {
	outcome record.Outcome
	title   string
	groups  []*reasonGroup
	cells   int
}

// reasonGroup is the cells of one outcome with the same reason.
type reasonGroup struct {
	reason string
	cells  []*record.Cell
	// tail is the end of a build error's log (nil when none could be
	// read); read says whether the logs were tried.
	tail []string
	from *record.Cell
	read bool
}

func newMarkdownReport(run *record.Run, files fs.FS) *markdownReport {
	r := &markdownReport{
		run:      run,
		facts:    newRunFacts(run),
		tables:   Pivot(run.Cells),
		letter:   map[*record.Cell]string{},
		sources:  map[string]string{},
		redacted: map[string]string{},
	}
	if files != nil {
		r.logs = newLogReader(files)
	}
	r.groupCrashes()
	r.groupOthers()
	r.pickCommandCells()
	r.pickRepro()
	return r
}

// groupCrashes groups the crashed cells by signature: the signature with
// the most cells first (then the most crashed runs, then the first seen).
func (r *markdownReport) groupCrashes() {
	index := map[string]*crashGroup{}
	for i := range r.run.Cells {
		c := &r.run.Cells[i]
		if c.Outcome != record.Crash {
			continue
		}
		sig := wording.OneLine(c.Signature)
		g := index[sig]
		if g == nil {
			g = &crashGroup{signature: sig}
			index[sig] = g
			r.crashes = append(r.crashes, g)
		}
		g.cells = append(g.cells, c)
		g.runs += c.Runs
		g.crashed += max(0, reportedRuns(*c))
		if c.Flaky {
			g.flaky++
		}
		if len(g.frames) == 0 {
			g.frames = c.Frames
		}
		for _, k := range c.KnownIssues {
			if !slices.ContainsFunc(g.known, func(o record.KnownIssueMatch) bool { return o.ID == k.ID && o.Verdict == k.Verdict }) {
				g.known = append(g.known, k)
			}
		}
	}
	slices.SortStableFunc(r.crashes, func(a, b *crashGroup) int {
		return cmp.Or(len(b.cells)-len(a.cells), b.crashed-a.crashed)
	})
	for i, g := range r.crashes {
		g.letter = signatureLetter(i)
		for _, c := range g.cells {
			r.letter[c] = g.letter
		}
	}
}

// signatureLetter names the i-th crash signature: A … Z, AA, AB, …
func signatureLetter(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// groupOthers groups the timeouts, failures, build errors and unavailable
// cells by reason, the reason with the most cells first.
func (r *markdownReport) groupOthers() {
	for _, s := range []struct {
		outcome record.Outcome
		title   string
	}{
		{record.Timeout, "⏱ Timeouts"}, {record.Fail, "❌ Failures"}, {record.BuildError, "🔨 Build errors"}, {record.Unavailable, "➖ Unavailable"},
	} {
		sec := &outcomeSection{outcome: s.outcome, title: s.title}
		index := map[string]*reasonGroup{}
		for i := range r.run.Cells {
			c := &r.run.Cells[i]
			if c.Outcome != s.outcome {
				continue
			}
			reason := wording.OneLine(c.Reason)
			g := index[reason]
			if g == nil {
				g = &reasonGroup{reason: reason}
				index[reason] = g
				sec.groups = append(sec.groups, g)
			}
			g.cells = append(g.cells, c)
			sec.cells++
		}
		if sec.cells == 0 {
			continue
		}
		slices.SortStableFunc(sec.groups, func(a, b *reasonGroup) int { return len(b.cells) - len(a.cells) })
		r.others = append(r.others, sec)
	}
}

// failPreference orders failing outcomes by how much a reader wants to
// reproduce them.
func failPreference(o record.Outcome) int {
	switch o {
	case record.Crash:
		return 0
	case record.Timeout:
		return 1
	case record.Fail:
		return 2
	case record.BuildError:
		return 3
	}
	return 4
}

// cellAxes are the axes a pair of cells to reproduce may differ in.
func cellAxes() []struct {
	name  string
	value func(*record.Cell) string
} {
	return []struct {
		name  string
		value func(*record.Cell) string
	}{
		{"toolchain", func(c *record.Cell) string { return c.Toolchain }},
		{"protobuf", func(c *record.Cell) string { return c.Protobuf }},
		{"cover", func(c *record.Cell) string { return record.CoverColumn(*c) }},
		{"arch", func(c *record.Cell) string { return CellArch(*c) }},
		{"target", func(c *record.Cell) string { return c.Target }},
	}
}

// pickCommandCells chooses the failing and the passing cell whose commands
// the report shows: a crash before other failures, a cell that failed every
// run before a flaky one, and a passing cell of the same target and
// toolchain that differs in one axis when there is one.
func (r *markdownReport) pickCommandCells() {
	var failing, passing []*record.Cell
	for i := range r.run.Cells {
		c := &r.run.Cells[i]
		switch {
		case c.Reproduce.Script == "":
		case c.Outcome == record.Pass:
			passing = append(passing, c)
		case c.Outcome != record.Unavailable:
			failing = append(failing, c)
		}
	}
	slices.SortStableFunc(failing, func(a, b *record.Cell) int {
		return cmp.Or(failPreference(a.Outcome)-failPreference(b.Outcome), boolRank(a.Flaky)-boolRank(b.Flaky))
	})
	if len(failing) == 0 {
		return
	}
	best := 4
	r.failing = failing[0]
	for _, f := range failing {
		for _, p := range passing {
			differ := differingAxes(f, p)
			tier := 3
			switch {
			case len(differ) == 1 && f.Target == p.Target && f.Toolchain == p.Toolchain:
				tier = 0
			case len(differ) == 1 && f.Target == p.Target:
				tier = 1
			case f.Target == p.Target:
				tier = 2
			}
			if tier < best {
				best, r.failing, r.passing, r.differ = tier, f, p, differ
			}
		}
		if best == 0 {
			return
		}
	}
}

// boolRank is 1 for true, 0 for false.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// differingAxes names the axes in which b differs from a.
func differingAxes(a, b *record.Cell) []string {
	var differ []string
	for _, ax := range cellAxes() {
		if ax.value(a) != ax.value(b) {
			differ = append(differ, ax.name)
		}
	}
	return differ
}

// pickRepro chooses the reproducer cell whose sources the report shows: a
// failing one when there is one.
func (r *markdownReport) pickRepro() {
	for i := range r.run.Cells {
		c := &r.run.Cells[i]
		if c.TargetKind != "repro" || c.Reproduce.Sources == "" {
			continue
		}
		if r.repro == nil || (r.repro.Outcome == record.Pass && c.Outcome != record.Pass && c.Outcome != record.Unavailable) {
			r.repro = c
		}
	}
}

// render returns the largest report that fits in maxMarkdownRunes: the
// first level that fits, with as much of the logs back as then fits (the
// logs were trimmed before the details that level leaves out).
func (r *markdownReport) render() string {
	// Every field is redacted; what is left of well-known token formats
	// goes too. That never makes the report longer.
	return redact.KnownTokens(r.fit())
}

// fit is render before the last redaction.
func (r *markdownReport) fit() string {
	levels := markdownLevels()
	for i, lim := range levels {
		doc := r.document(lim)
		if utf8.RuneCountInString(doc) > maxMarkdownRunes {
			continue
		}
		for _, richer := range levels[:i] {
			more := lim
			more.stackLines, more.excerpts, more.buildLines, more.buildLogs = richer.stackLines, richer.excerpts, richer.buildLines, richer.buildLogs
			if more == lim {
				break
			}
			if more := r.document(more); utf8.RuneCountInString(more) <= maxMarkdownRunes {
				return more
			}
		}
		return doc
	}
	return r.minimal()
}

// document renders the report within lim.
func (r *markdownReport) document(lim mdLimits) string {
	var b strings.Builder
	r.writeTitle(&b)
	if notes := r.trimNotes(lim); len(notes) > 0 {
		fmt.Fprintf(&b, "> **Trimmed to fit GitHub's %s-character limit:** %s.\n\n", wording.Thousands(githubCommentLimit), r.text(strings.Join(notes, "; ")))
	}
	r.writeGoVersions(&b)
	r.writeEnvironment(&b)
	r.writeWhatWasDone(&b, lim)
	r.writeWhatHappened(&b, lim)
	r.writeExpected(&b)
	if lim.allCells && len(r.run.Cells) > 0 {
		r.writeAllCells(&b)
	}
	fmt.Fprintf(&b, "\n---\nGenerated by gorepro %s from run %s; results.json and every cell's logs are in its run directory.\n",
		r.text(wording.OrDash(r.run.GoreproVersion)), r.code(wording.OrDash(r.run.ID)))
	return b.String()
}

// clean is s redacted (RedactText).
func (r *markdownReport) clean(s string) string {
	c, ok := r.redacted[s]
	if !ok {
		c = redact.Text(s)
		r.redacted[s] = c
	}
	return c
}

// text is user text as literal Markdown: redacted and escaped.
func (r *markdownReport) text(s string) string { return mdText(r.clean(s)) }

// code is user text as inline code: redacted, one line.
func (r *markdownReport) code(s string) string { return mdCode(r.clean(s)) }

// cellCode is user text as inline code inside a table cell.
func (r *markdownReport) cellCode(s string) string { return mdTableCode(r.clean(s)) }

// summaryText is user text inside a <summary> tag: redacted, one line,
// HTML-escaped.
func (r *markdownReport) summaryText(s string) string {
	return html.EscapeString(wording.OneLine(printableLine(r.clean(s))))
}

// writeTitle writes the heading and the summary line.
func (r *markdownReport) writeTitle(b *strings.Builder) {
	cells := r.run.Cells
	if len(r.crashes) > 0 {
		g := r.crashes[0]
		fmt.Fprintf(b, "# %s: crash in %d of %d cells", r.code(shorten(crashTitle(g), 120)), len(g.cells), len(cells))
		if more := len(r.crashes) - 1; more > 0 {
			fmt.Fprintf(b, " (and %d more crash %s)", more, wording.Plural(more, "signature", "signatures"))
		}
		b.WriteString("\n\n")
	} else {
		fmt.Fprintf(b, "# gorepro report: %s\n\n", r.text(Summary(cells)))
	}
	fmt.Fprintf(b, "**Summary:** %s", r.text(Summary(cells)))
	if r.run.Bisect != nil {
		fmt.Fprintf(b, ". **Bisection:** %s", r.text(r.run.Bisect.Conclusion))
	}
	b.WriteString("\n\n")
}

// crashTitle is how a crash signature is named: the signature, or the
// reason of a crash gorepro found no signature for.
func crashTitle(g *crashGroup) string {
	if g.signature != "" {
		return g.signature
	}
	if len(g.cells) > 0 && g.cells[0].Reason != "" {
		return "crash without a signature: " + wording.OneLine(g.cells[0].Reason)
	}
	return "crash without a signature"
}

// trimNotes says what lim leaves out of the full report.
func (r *markdownReport) trimNotes(lim mdLimits) []string {
	var notes []string
	full := fullLimits()
	sigs := upTo(len(r.crashes), lim.signatures)
	if sigs < len(r.crashes) {
		notes = append(notes, fmt.Sprintf("only the %d most frequent of %d crash signatures have a section", sigs, len(r.crashes)))
	}
	withExcerpt, longer := 0, false
	for _, g := range r.crashes[:sigs] {
		if ex := r.excerpt(g); ex != nil {
			withExcerpt++
			longer = longer || len(ex.Lines) > lim.stackLines
		}
	}
	shown := upTo(withExcerpt, lim.excerpts)
	if lim.stackLines < full.stackLines && longer && shown > 0 {
		notes = append(notes, fmt.Sprintf("stack excerpts shortened to %d lines", lim.stackLines))
	}
	if shown < withExcerpt {
		notes = append(notes, fmt.Sprintf("stack excerpts shown for %d of %d crash signatures", shown, withExcerpt))
	}
	tails, longerTail := 0, false
	for _, g := range r.buildErrorGroups(lim) {
		if tail := r.buildTail(g); tail != nil {
			tails++
			longerTail = longerTail || len(tail) > lim.buildLines
		}
	}
	shownTails := upTo(tails, lim.buildLogs)
	if lim.buildLines < full.buildLines && longerTail && shownTails > 0 {
		notes = append(notes, fmt.Sprintf("build logs shortened to their last %d lines", lim.buildLines))
	}
	if shownTails < tails {
		notes = append(notes, fmt.Sprintf("build logs shown for %d of %d build errors", shownTails, tails))
	}
	if !lim.allCells && len(r.run.Cells) > 0 {
		notes = append(notes, "the table of every cell left out (the pivot tables show each cell's outcome)")
	}
	if !lim.probes && slices.ContainsFunc(r.run.Cells, func(c record.Cell) bool { return c.EnvProbe != nil }) {
		notes = append(notes, "the probe environment table left out")
	}
	if !lim.source && r.repro != nil && r.source(path.Join(r.repro.Reproduce.Sources, "main.go.txt")) != "" {
		notes = append(notes, fmt.Sprintf("the reproducer's main.go left out (it is %s/main.go.txt)", r.repro.Reproduce.Sources))
	}
	if lim.cells < full.cells && r.longestCellList() > lim.cells {
		notes = append(notes, fmt.Sprintf("lists of cells cut to %d cells", lim.cells))
	}
	if lim.groups >= 0 && slices.ContainsFunc(r.others, func(s *outcomeSection) bool { return len(s.groups) > lim.groups }) {
		notes = append(notes, fmt.Sprintf("only the %d most common reasons of each outcome listed", lim.groups))
	}
	if len(notes) > 0 {
		notes = append(notes, "full logs are in cells/<cell id>/run-N.log and build.log of the run directory")
	}
	return notes
}

// longestCellList is the most cells any list of the report names.
func (r *markdownReport) longestCellList() int {
	longest := 0
	for _, g := range r.crashes {
		longest = max(longest, len(g.cells))
	}
	for _, s := range r.others {
		for _, g := range s.groups {
			longest = max(longest, len(g.cells))
		}
	}
	return longest
}

// minimal is the report when even the most trimmed one does not fit: the
// summary, the toolchains and the crash signatures, one line each, cut at
// a line to fit.
func (r *markdownReport) minimal() string {
	var b strings.Builder
	r.writeTitle(&b)
	fmt.Fprintf(&b, "> **Trimmed to fit GitHub's %s-character limit:** only the summary, the toolchains and the crash signatures are listed; results.json, results.md and every log are in the run directory.\n\n",
		wording.Thousands(githubCommentLimit))
	fmt.Fprintf(&b, "- **gorepro:** %s\n- **Host:** %s\n- **Container engine:** %s\n- **Emulation:** %s\n",
		r.text(wording.OrDash(r.run.GoreproVersion)), r.hostText(r.run.Host), r.enginesText(), r.emulationText())
	for _, tc := range r.facts.toolchains {
		fmt.Fprintf(&b, "- **Toolchain** %s (%s): %s\n", r.code(tc.Name), r.text(tc.Kind), r.text(cmp.Or(tc.GoVersion, "unavailable")))
	}
	b.WriteString("\n")
	for _, g := range r.crashes {
		fmt.Fprintf(&b, "- 💥 %s: %s — %d %s\n", g.letter, r.code(shorten(crashTitle(g), 150)), len(g.cells), wording.Plural(len(g.cells), "cell", "cells"))
	}
	for _, sec := range r.others {
		fmt.Fprintf(&b, "- %s: %d %s\n", sec.title, sec.cells, wording.Plural(sec.cells, "cell", "cells"))
	}
	doc := b.String()
	if utf8.RuneCountInString(doc) <= maxMarkdownRunes {
		return doc
	}
	var cut strings.Builder
	n := 0
	for line := range strings.Lines(doc) {
		n += utf8.RuneCountInString(line)
		if n > maxMarkdownRunes-100 {
			break
		}
		cut.WriteString(line)
	}
	cut.WriteString("\n… (the rest is left out to fit)\n")
	return cut.String()
}

// writeCodeBlock writes lines, redacted and made printable, as a fenced
// code block whose fence is longer than any run of backticks in them.
func (r *markdownReport) writeCodeBlock(b *strings.Builder, info string, lines []string) {
	lines = slices.Clone(lines)
	longest := 0
	for i, line := range lines {
		lines[i] = strings.TrimRight(printableLine(r.clean(line)), " \t")
		longest = max(longest, longestRun(lines[i], '`'))
	}
	fence := strings.Repeat("`", max(3, longest+1))
	fmt.Fprintf(b, "%s%s\n", fence, info)
	for _, line := range lines {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	fmt.Fprintf(b, "%s\n\n", fence)
}

// writeMarkdownTable writes a GFM table; the cells must already be escaped
// (mdText, mdTableCode).
func writeMarkdownTable(b *strings.Builder, header []string, rows [][]string) {
	b.WriteString(mdTableRow(header))
	separator := make([]string, len(header))
	for i := range separator {
		separator[i] = "---"
	}
	b.WriteString(mdTableRow(separator))
	for _, row := range rows {
		b.WriteString(mdTableRow(row))
	}
}

// mdTableRow formats one row of a GFM table; the cells must already be
// escaped.
func mdTableRow(cells []string) string {
	return "| " + strings.Join(cells, " | ") + " |\n"
}

// mdText makes s one line of literal Markdown text: characters that would
// start emphasis, code, links, HTML, entities or strikethrough, or end a
// table cell, are escaped.
func mdText(s string) string {
	s = wording.OneLine(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, c := range s {
		if strings.ContainsRune("\\`*_~|<&[]", c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// mdCode makes s one line of inline code, using a longer backtick fence when s
// itself contains backticks. Inside a table cell use mdTableCode.
func mdCode(s string) string {
	s = wording.OneLine(s)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdTableCode is mdCode for a table cell: GFM splits a row at every "|"
// not preceded by a backslash, even inside inline code, and shows "\|"
// there as "|".
func mdTableCode(s string) string {
	return strings.ReplaceAll(mdCode(s), "|", `\|`)
}

// longestRun returns the length of the longest run of r in s.
func longestRun(s string, r rune) int {
	longest, current := 0, 0
	for _, c := range s {
		if c == r {
			current++
			longest = max(longest, current)
		} else {
			current = 0
		}
	}
	return longest
}

// startBlock ends what b holds with one blank line, so that a heading,
// list or HTML block can start.
func startBlock(b *strings.Builder) {
	switch s := b.String(); {
	case s == "" || strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		b.WriteString("\n")
	default:
		b.WriteString("\n\n")
	}
}
