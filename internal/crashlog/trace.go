package crashlog

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxFrames is how many meaningful frames a signature keeps.
const maxFrames = 5

// maxHeading bounds the length of a heading kept in a signature, so a panic
// with a huge value does not make a huge signature.
const maxHeading = 300

var (
	// signalHeadingRE matches the runtime's signal headings, e.g.
	// "SIGSEGV: segmentation violation".
	signalHeadingRE = regexp.MustCompile(`^SIG[A-Z0-9]+: `)
	// goroutineHeaderRE matches "goroutine 1 [running]:" and the
	// GOTRACEBACK=system form "goroutine 1 gp=0x... m=0 mp=0x... [running]:".
	goroutineHeaderRE = regexp.MustCompile(`^goroutine (\d+)(?: [^\[]*)? \[(.*)\]:$`)
	// signalDetailRE matches the "[signal SIGSEGV: segmentation violation
	// code=0x1 addr=0x0 pc=0x49e140]" line printed after a heading.
	signalDetailRE = regexp.MustCompile(`^\[signal (.*?)(?: code=[^\]]*)?\]$`)
	hexRE          = regexp.MustCompile(`0[xX][0-9a-fA-F]+\??`)
	goroutineIDRE  = regexp.MustCompile(`\bgoroutine \d+`)
	minutesRE      = regexp.MustCompile(`, \d+ minutes?`)
	identifierRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)
)

// blockKind says what kind of trace block a header introduced.
type blockKind int

const (
	// implicitBlock holds frames printed right after a heading without a
	// header line (as some logs show them).
	implicitBlock blockKind = iota
	// systemBlock is a "runtime stack:" block.
	systemBlock
	// goroutineBlock is a "goroutine N [state]:" block.
	goroutineBlock
)

// block is one stack trace in a Go crash or dump.
type block struct {
	kind blockKind
	// goroutine is the goroutine id (goroutineBlock only).
	goroutine int
	// state is the text in brackets of a goroutine header, e.g. "running"
	// or "chan receive".
	state  string
	frames []string
}

// running reports whether the goroutine was executing (not parked) when
// the trace was taken; system and implicit blocks count as running.
func (b block) running() bool {
	return b.kind != goroutineBlock || strings.HasPrefix(b.state, "running")
}

// Crash is what the parser found in a crash's output.
type Crash struct {
	// Heading is the normalised heading line, with the [signal ...] line
	// folded in.
	Heading string
	// RawHeading is the heading line as printed.
	RawHeading string
	// Traced is true when a trace followed the heading.
	Traced bool
	// Frames are the meaningful frames of the crashing goroutine.
	Frames []string
	// RuntimeDetail is the first "runtime: " line before the heading,
	// normalised ("" when there is none).
	RuntimeDetail string
	// Truncated is true when the log ends inside the crash's trace;
	// TruncatedReason says where (FindCrashes sets them).
	Truncated       bool
	TruncatedReason string
	// Lines are the crash's section of the log (FindCrashes sets them).
	Lines []string
	// TestTimeout is set when the crash is go test's alarm: the -timeout
	// that fired ("40m0s"). RunningTests are the tests it names as still
	// running, with how long each ran ("TestX (39m59s)"); Frames are then
	// those of the first running test's goroutine, when the log has it.
	TestTimeout  string
	RunningTests []string
	// Emulator names the emulator whose own death line the crash is
	// ("qemu-user"), "" for a crash the Go runtime reported.
	Emulator string
	// Race is true for a report of the race detector (Heading is
	// RaceHeading): Frames are the current access's, and Details name the
	// other access.
	Race bool
	// Details are what the reader should know about how the signature was
	// read: the other access of a race, the sync frames skipped to reach
	// the caller, a heading without its trace.
	Details []string
}

// Signature renders c as "<heading> in <first frame>".
func (c Crash) Signature() string {
	if len(c.Frames) == 0 {
		return c.Heading
	}
	return c.Heading + " in " + c.Frames[0]
}

// Signature parses a Go crash in output and returns its normalised signature
// ("fatal error: taggedPointerPack in runtime.netpollopen") and the first
// meaningful frames of the crashing goroutine. ok is false when output holds
// no crash heading followed by a trace. Signature does not look at how the
// process ended: Classify decides whether a parsed crash is the run's
// outcome.
func Signature(output []byte) (sig string, frames []string, ok bool) {
	info, found := ParseCrash(SplitLines(output), false)
	if !found {
		return "", nil, false
	}
	return info.Signature(), info.Frames, true
}

// SplitLines splits output into lines without their line endings.
func SplitLines(output []byte) []string {
	text := strings.ReplaceAll(string(output), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRight(line, "\r")
	}
	return lines
}

// The kinds of crash heading.
const (
	kindPanic  = "panic"  // "panic: ..."
	kindFatal  = "fatal"  // "fatal error: ...", "unexpected signal ..."
	kindSignal = "signal" // "SIGSEGV: segmentation violation"
	// kindDeath is the line in which something other than the Go runtime
	// reports the process's death by a signal: qemu-user's "qemu: uncaught
	// target signal 11 (Segmentation fault) - core dumped", Android libc's
	// "Fatal signal 6 (SIGABRT), ...".
	kindDeath = "death"
	// kindSignalDetail is a "[signal SIGSEGV: ...]" line that no heading
	// precedes: a log that starts after the heading.
	kindSignalDetail = "signal-detail"
	// kindRace is a race detector's report, "WARNING: DATA RACE", or go
	// test's line for a test during which one was found.
	kindRace = "race"
)

var (
	// qemuDeathRE matches qemu-user's line when the program it emulates
	// dies by a signal.
	qemuDeathRE = regexp.MustCompile(`^qemu(?:-[A-Za-z0-9_.-]+)?: uncaught target signal \d+ \([^)]*\)`)
	// androidDeathRE matches Android's libc line when a process dies by a
	// signal: "Fatal signal 6 (SIGABRT), code -6 (SI_TKILL) in tid ...".
	androidDeathRE = regexp.MustCompile(`^Fatal signal \d+ \(SIG[A-Z0-9]+\)`)
)

// HeadingKind returns the kind of crash heading line is ("panic", "fatal",
// "signal", "death") or "" when it is none.
func HeadingKind(line string) string {
	switch {
	case strings.HasPrefix(line, "{"):
		return ""
	case strings.HasPrefix(line, "panic: "):
		return kindPanic
	case strings.HasPrefix(line, "fatal error: "),
		strings.HasPrefix(line, "fatal: morestack on g0"),
		strings.HasPrefix(line, "unexpected signal"):
		return kindFatal
	case signalHeadingRE.MatchString(line):
		return kindSignal
	case line == RaceHeading, isRaceTestLine(line):
		return kindRace
	case strings.HasPrefix(line, "qemu") && qemuDeathRE.MatchString(line),
		strings.HasPrefix(line, "Fatal signal ") && androidDeathRE.MatchString(line):
		return kindDeath
	}
	return ""
}

// deathLine describes the crash a death line reports (see kindDeath).
func deathLine(line string) Crash {
	if m := qemuDeathRE.FindString(line); m != "" {
		return Crash{RawHeading: line, Heading: m, Emulator: "qemu-user"}
	}
	return Crash{RawHeading: line, Heading: androidDeathRE.FindString(line)}
}

// headingKinds returns the heading kind of every line (HeadingKind), and
// the indexes of the headings. A "[signal ...]" line that no heading
// precedes counts as a heading of its own (kindSignalDetail).
func headingKinds(lines []string) (kinds []string, headings []int) {
	kinds = make([]string, len(lines))
	lastText := ""
	raceReported := false
	for i, l := range lines {
		kinds[i] = HeadingKind(l)
		if kinds[i] == "" && strings.HasPrefix(l, "[signal ") && (lastText == "" || HeadingKind(lastText) == "") &&
			signalDetailRE.MatchString(l) {
			kinds[i] = kindSignalDetail
		}
		if kinds[i] == kindRace {
			// go test's line after a race report is part of that race.
			if l != RaceHeading && raceReported {
				kinds[i] = ""
			}
			raceReported = true
		}
		if kinds[i] != "" {
			headings = append(headings, i)
		}
		if strings.TrimSpace(l) != "" {
			lastText = l
		}
	}
	return kinds, headings
}

// ParseCrash finds the first crash heading in lines that a trace follows and
// describes it. A SIGQUIT goroutine dump is not a crash. With weak set, a heading without a trace is accepted when no
// traced heading exists.
func ParseCrash(lines []string, weak bool) (Crash, bool) {
	var untraced *Crash
	kinds, headings := headingKinds(lines)
	for h, i := range headings {
		line, kind := lines[i], kinds[i]
		if line == sigquitHeading {
			continue // a goroutine dump someone asked for
		}
		if kind == kindDeath {
			// A death line says all there is: no trace follows it. After
			// a Go heading without a trace, it says how that crash ended.
			death := deathLine(line)
			if untraced != nil {
				untraced.Emulator = death.Emulator
				return *untraced, true
			}
			return death, true
		}
		info, found := readHeading(lines, i, traceEnd(kinds, headings, h), kind)
		switch {
		case found == tracedCrash:
			return info, true
		case found == untracedCrash && weak && untraced == nil:
			untraced = &info
		}
	}
	if untraced != nil {
		return *untraced, true
	}
	return Crash{}, false
}

// traceEnd returns where the trace of the h-th heading ends: at the next
// heading, except that the signal heading of the abort that follows a
// panic or fatal error belongs to it.
func traceEnd(kinds []string, headings []int, h int) int {
	for _, j := range headings[h+1:] {
		if kinds[headings[h]] == kindSignal || kinds[j] != kindSignal {
			return j
		}
	}
	return len(kinds)
}

// headingFound says what readHeading found.
type headingFound int

const (
	// notACrash: the heading precedes a stack printed on purpose.
	notACrash headingFound = iota
	// untracedCrash: the heading lacks the trace it needs (the log was
	// cut, GOTRACEBACK=none, or the line is a log message).
	untracedCrash
	tracedCrash
)

// readHeading describes the crash whose heading of kind is lines[i] and
// whose trace is lines[i+1:end].
func readHeading(lines []string, i, end int, kind string) (Crash, headingFound) {
	line := lines[i]
	if kind == kindRace {
		return readRace(line, lines[i+1:end])
	}
	info := Crash{RawHeading: line, Heading: normaliseHeading(line, lines[i+1:end]), RuntimeDetail: runtimeDetail(lines[:i])}
	if kind == kindSignalDetail {
		info.Heading = "[signal " + signalDetailRE.FindStringSubmatch(line)[1] + "]"
	}
	blocks := parseBlocks(lines[i+1 : end])
	if m := testTimeoutRE.FindStringSubmatch(line); m != nil {
		info.TestTimeout = m[1]
		info.RunningTests = runningTests(lines[i+1 : end])
		info.Traced = len(blocks) > 0
		info.Frames = testFrames(blocks, info.RunningTests)
		return info, tracedCrash
	}
	hasGoroutine := slices.ContainsFunc(blocks, func(b block) bool { return b.kind == goroutineBlock })
	if len(blocks) == 0 || ((kind == kindPanic || kind == kindSignalDetail) && !hasGoroutine) {
		// A panic trace always has a goroutine header; without one the
		// line is a log message or the trace was suppressed.
		return info, untracedCrash
	}
	chosen, ok := chooseBlock(blocks)
	if ok && len(chosen.frames) > 0 && isPrintedStack(chosen.frames[0]) {
		return info, notACrash // debug.PrintStack after a recovered panic
	}
	info.Traced = true
	if ok {
		var skipped []string
		info.Frames, skipped = meaningfulFrames(chosen, skippedByMessage(line), kind == kindPanic, isSyncHeading(line))
		if len(skipped) > 0 {
			info.Details = append(info.Details, "skipped the sync frames "+strings.Join(skipped, ", ")+" to reach their caller")
		}
	}
	return info, tracedCrash
}

// isPrintedStack reports whether frame shows a trace printed on purpose by
// runtime/debug rather than by a crashing runtime.
func isPrintedStack(frame string) bool {
	return strings.HasPrefix(frame, "runtime/debug.")
}

// normaliseHeading returns heading without addresses or goroutine ids, with
// a following "[signal ...]" line folded in.
func normaliseHeading(heading string, after []string) string {
	h := normaliseText(clip(heading))
	for _, line := range after {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if m := signalDetailRE.FindStringSubmatch(line); m != nil {
			h += " [signal " + m[1] + "]"
		}
		break
	}
	if len(h) > maxHeading {
		h = h[:maxHeading] + "…"
	}
	return h
}

// normaliseText replaces hexadecimal numbers by "0x?", removes goroutine
// ids, and turns no-break spaces into spaces: protobuf's error messages
// deliberately use either at random ("proto:\u00a0invalid type"), so that
// the same crash keeps one signature.
func normaliseText(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = hexRE.ReplaceAllString(s, "0x?")
	s = goroutineIDRE.ReplaceAllString(s, "goroutine")
	return strings.TrimSpace(s)
}

// clip cuts s, at a character boundary, to a few times maxHeading bytes:
// enough for the normalised text to fill maxHeading, so that normalising
// a huge panic value costs no more than a short one.
func clip(s string) string {
	const keep = 4 * maxHeading
	if len(s) <= keep {
		return s
	}
	cut := keep
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// runtimeDetail returns the first of the "runtime: " lines that directly
// precede a heading (before is everything above the heading), normalised.
func runtimeDetail(before []string) string {
	first := ""
	for i := len(before) - 1; i >= 0; i-- {
		if !strings.HasPrefix(before[i], "runtime: ") {
			break
		}
		first = before[i]
	}
	if first == "" {
		return ""
	}
	d := normaliseText(clip(first))
	if len(d) > maxHeading {
		d = d[:maxHeading] + "…"
	}
	return d
}

// parseBlocks splits the lines of a trace into blocks.
func parseBlocks(lines []string) []block {
	var blocks []block
	var cur *block
	ended := false // a "created by" line closed the current block
	for _, line := range lines {
		switch {
		case line == "runtime stack:":
			blocks = append(blocks, block{kind: systemBlock})
			cur, ended = &blocks[len(blocks)-1], false
			continue
		case strings.HasPrefix(strings.TrimLeft(line, " \t"), "goroutine "):
			// A paste may indent a header (Android Studio's logcat).
			if m := goroutineHeaderRE.FindStringSubmatch(strings.TrimLeft(line, " \t")); m != nil {
				id, _ := strconv.Atoi(m[1])
				blocks = append(blocks, block{kind: goroutineBlock, goroutine: id, state: m[2]})
				cur, ended = &blocks[len(blocks)-1], false
				continue
			}
		case strings.HasPrefix(line, "created by "):
			ended = true
			continue
		}
		name, ok := FrameFunc(line)
		if !ok || ended {
			continue
		}
		if cur == nil {
			blocks = append(blocks, block{kind: implicitBlock})
			cur = &blocks[len(blocks)-1]
		}
		cur.frames = append(cur.frames, name)
	}
	return blocks
}

// FrameFunc returns the function named by a goroutine trace's frame line,
// such as "main.(*T).Run(0xc000010000, {0x4c611c?, 0x0?})" →
// "main.(*T).Run", and false for a line that is not a frame.
func FrameFunc(line string) (string, bool) {
	if line == "" || line[0] == ' ' || line[0] == '\t' || !strings.HasSuffix(line, ")") {
		return "", false
	}
	depth := 0
	for i := len(line) - 1; i >= 0; i-- {
		switch line[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				name := line[:i]
				if name == "" || strings.ContainsAny(name, " \t") {
					return "", false
				}
				return name, true
			}
		}
	}
	return "", false
}

// chooseBlock picks the block holding the crashing goroutine: the first block
// with frames, or the block right after it when the first has runtime frames
// only and the next has others (a system stack followed by the goroutine).
func chooseBlock(blocks []block) (block, bool) {
	first := -1
	for i, b := range blocks {
		if len(b.frames) > 0 {
			first = i
			break
		}
	}
	if first < 0 {
		return block{}, false
	}
	if !hasUserFrame(blocks[first]) && first+1 < len(blocks) && hasUserFrame(blocks[first+1]) {
		return blocks[first+1], true
	}
	return blocks[first], true
}

// hasUserFrame reports whether b has a frame outside the runtime.
func hasUserFrame(b block) bool {
	for _, f := range b.frames {
		if !isRuntimeFrame(f) && !isMachinery(f) {
			return true
		}
	}
	return false
}

// isRuntimeFrame reports whether name is a function of the runtime,
// including functions other packages link from it (sync.runtime_Semacquire)
// and, in traces of Go 1.4 and older, the runtime's C functions, the only
// frames without a package ("copystack", "runfinq").
func isRuntimeFrame(name string) bool {
	return strings.HasPrefix(name, "runtime.") || !strings.Contains(name, ".") ||
		strings.HasPrefix(name, "internal/runtime/") ||
		strings.Contains(name, ".runtime_") ||
		name == "panic"
}

// isMachinery reports whether name is crash machinery: a frame that reports
// a crash rather than causes it (panic, throw and their helpers, the panic
// functions the compiler calls, signal handling, map internals that report
// concurrent map misuse), or one that starts every goroutine or thread.
func isMachinery(name string) bool {
	switch name {
	case "panic", "runtime.gopanic", "runtime.throw", "runtime.gothrow", "runtime.fatalthrow", "runtime.fatalpanic",
		"runtime.fatal", "runtime.sigpanic", "runtime.newstack", "runtime.morestack",
		"runtime.morestack_noctxt", "runtime.abort", "runtime.raise", "runtime.raiseproc",
		"runtime.dieFromSignal", "runtime.crash", "runtime.sighandler", "runtime.sigtrampgo",
		"runtime.sigtramp", "runtime.sigreturn", "runtime.sigreturn__sigaction",
		"runtime.startpanic_m", "runtime.systemstack", "runtime.systemstack_switch",
		"runtime.mcall", "runtime.goexit", "runtime.goexit0", "runtime.goexit1", "runtime.main",
		"runtime.mstart", "runtime.mstart0", "runtime.mstart1", "runtime.rt0_go",
		"runtime.doInit", "runtime.doInit1", "testing.tRunner",
		"sync.fatal", "sync.throw", "internal/sync.fatal", "internal/sync.throw":
		return true
	}
	for _, prefix := range [...]string{
		"runtime.panic", "runtime.goPanic", "runtime.gopanic.", "runtime.throw.",
		"runtime.fatalthrow.", "runtime.fatalpanic.",
		"runtime.mapassign", "runtime.mapaccess", "runtime.mapdelete", "runtime.mapiter",
		"runtime.mapclear", "internal/runtime/maps.",
	} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// skippedByMessage returns the runtime function a fatal error names, e.g.
// "runtime.taggedPointerPack" for "fatal error: taggedPointerPack", or "".
func skippedByMessage(heading string) string {
	msg, ok := strings.CutPrefix(heading, "fatal error: ")
	if !ok {
		return ""
	}
	word, _, _ := strings.Cut(msg, " ")
	word = strings.TrimSuffix(word, ":")
	if !identifierRE.MatchString(word) {
		return ""
	}
	return "runtime." + word
}

// isLoggingPanic reports whether name is a function of a logging library
// that panics on the caller's behalf: log.Panic and its siblings, logrus's
// and zap's panic levels, testing's t.Log after the test completed.
func isLoggingPanic(name string) bool {
	for _, prefix := range [...]string{
		"log.Panic", "log.(*Logger).Panic", "github.com/sirupsen/logrus.", "go.uber.org/zap.", "go.uber.org/zap/zapcore.",
		"testing.(*common).log", "testing.(*common).Log",
	} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// testTimeoutRE matches go test's alarm: "panic: test timed out after
// 40m0s".
var testTimeoutRE = regexp.MustCompile(`^panic: test timed out after (\S+)$`)

// runningTests returns the tests go test's alarm lists after "running
// tests:" (Go 1.21 and newer), each as "TestX (39m59s)".
func runningTests(after []string) []string {
	var tests []string
	listing := false
	for _, l := range after {
		t := strings.TrimSpace(l)
		switch {
		case t == "running tests:":
			listing = true
		case !listing && t == "":
		case !listing, t == "":
			return tests
		default:
			tests = append(tests, t)
		}
	}
	return tests
}

// testFrames returns the meaningful frames of the goroutine of the first
// running test (named in tests) that the trace holds: where the test was
// when the alarm fired. nil when the trace does not hold it.
func testFrames(blocks []block, tests []string) []string {
	for _, test := range tests {
		name, _, _ := strings.Cut(test, " ")
		name, _, _ = strings.Cut(name, "/") // a subtest runs in its parent's function's closure
		for _, b := range blocks {
			if b.kind != goroutineBlock {
				continue
			}
			for _, f := range b.frames {
				if strings.HasSuffix(f, "."+name) || strings.Contains(f, "."+name+".func") {
					frames, _ := meaningfulFrames(b, "", false, false)
					return frames
				}
			}
		}
	}
	return nil
}

// plainMethod removes the receiver decoration of a method name:
// "runtime.(*mSpanList).insert" becomes "runtime.mSpanList.insert".
func plainMethod(name string) string {
	return strings.NewReplacer("(*", "", ")", "").Replace(name)
}

// meaningfulFrames returns up to maxFrames frames of b that are not crash
// machinery (nor skip, the function a fatal error names), with direct
// recursion collapsed. In a parked goroutine the leading runtime frames are
// skipped as well, and so are the leading frames of sync and internal/sync
// (a goroutine blocked in (*Mutex).Lock or (*WaitGroup).Wait: the caller is
// what the reader needs); so are they under a fatal error or panic of the
// sync package (syncHeading). Those sync frames are returned as skipped.
// In a panic the leading frames of a logging library's panic helpers
// (log.Panic, logrus, zap), which only raise it, are skipped too.
func meaningfulFrames(b block, skip string, panicking, syncHeading bool) (out, skipped []string) {
	frames := b.frames
	if !b.running() || syncHeading {
		frames, skipped = skipLeading(frames, true)
		if len(frames) == 0 { // nothing but sync: keep its frames
			frames, skipped = skipLeading(b.frames, false)
		}
	}
	if panicking {
		i := 0
		for i < len(frames) && (isMachinery(frames[i]) || isLoggingPanic(frames[i])) {
			i++
		}
		if i < len(frames) {
			frames = frames[i:]
		}
	}
	out = keepFrames(frames, func(f string) bool {
		return isMachinery(f) || (skip != "" && plainMethod(f) == skip)
	})
	return out, skipped
}

// keepFrames returns up to maxFrames of frames that drop does not reject,
// with direct recursion collapsed to one entry.
func keepFrames(frames []string, drop func(string) bool) []string {
	var out []string
	for _, f := range frames {
		if drop(f) || (len(out) > 0 && out[len(out)-1] == f) {
			continue
		}
		out = append(out, f)
		if len(out) == maxFrames {
			break
		}
	}
	return out
}

// skipLeading skips the leading runtime and machinery frames, and with
// sync set those of sync and internal/sync too, which it returns as
// skipped.
func skipLeading(frames []string, sync bool) (rest, skipped []string) {
	for len(frames) > 0 {
		f := frames[0]
		switch {
		case isRuntimeFrame(f), isMachinery(f):
		case sync && isSyncFrame(f):
			skipped = append(skipped, f)
		default:
			return frames, skipped
		}
		frames = frames[1:]
	}
	return frames, skipped
}

// isSyncFrame reports whether name is a function of package sync or
// internal/sync (not sync/atomic).
func isSyncFrame(name string) bool {
	return strings.HasPrefix(name, "sync.") || strings.HasPrefix(name, "internal/sync.")
}

// isSyncHeading reports whether a heading is a fatal error or panic the
// sync package raised on misuse ("fatal error: sync: unlock of unlocked
// mutex", "panic: sync: negative WaitGroup counter").
func isSyncHeading(heading string) bool {
	msg, ok := strings.CutPrefix(heading, "fatal error: ")
	if !ok {
		msg, ok = strings.CutPrefix(heading, "panic: ")
	}
	return ok && strings.HasPrefix(msg, "sync: ")
}

// MainGoroutine describes where goroutine 1 was in the last dump in lines:
// its first frame outside the runtime and its state, e.g. "main.main [chan
// receive]". ok is false when no dump of goroutine 1 is found.
func MainGoroutine(lines []string) (string, bool) {
	var main *block
	blocks := parseBlocks(lines)
	for i := range blocks {
		if blocks[i].kind == goroutineBlock && blocks[i].goroutine == 1 {
			main = &blocks[i]
		}
	}
	if main == nil {
		return "", false
	}
	state := minutesRE.ReplaceAllString(main.state, "")
	for _, f := range main.frames {
		if !isRuntimeFrame(f) && !isMachinery(f) {
			return f + " [" + state + "]", true
		}
	}
	if len(main.frames) > 0 {
		return main.frames[0] + " [" + state + "]", true
	}
	return "", false
}
