package diagnose

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/classify"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusDir holds real logs as their authors pasted them into public issue
// trackers; its README names each one's source.
const corpusDir = "testdata/corpus"

// corpusRow is what a corpus log must be read as: one line of
// expectations.tsv. "-" stands for empty.
type corpusRow struct {
	// Heading is the signature without its frame; Frame the first
	// meaningful frame; Arch the arch hint; Tests the tests a timeout
	// names, joined by ", "; Issues the known issues matched, each as
	// "id=verdict", joined by ",".
	File, Outcome, Heading, Frame, Arch, Tests, Issues string
}

// readCorpus returns the rows of testdata/corpus/expectations.tsv.
func readCorpus(t *testing.T) []corpusRow {
	t.Helper()
	return readExpectations(t, corpusDir)
}

// readExpectations returns the rows of dir/expectations.tsv.
func readExpectations(t *testing.T, dir string) []corpusRow {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "expectations.tsv"))
	require.NoError(t, err)
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		require.Len(t, cols, 7, "expectations.tsv:%d: want file, outcome, heading, frame, arch, tests, issues", n)
		rows = append(rows, corpusRow{cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]})
	}
	require.NoError(t, sc.Err())
	return rows
}

// corpusReading renders a report as a corpus row.
func corpusReading(file string, r *Report) corpusRow {
	orDash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	frame := ""
	if len(r.Frames) > 0 {
		frame = r.Frames[0]
	}
	var issues []string
	for _, ki := range r.KnownIssues {
		issues = append(issues, ki.ID+"="+ki.Verdict)
	}
	return corpusRow{
		File:    file,
		Outcome: string(r.Outcome),
		Heading: orDash(strings.TrimSuffix(r.Signature, " in "+frame)),
		Frame:   orDash(frame),
		Arch:    r.ArchHint.Arch,
		Tests:   orDash(strings.Join(r.RunningTests, ", ")),
		Issues:  orDash(strings.Join(issues, ",")),
	}
}

// TestCorpus diagnoses every log of the corpus and checks its outcome,
// signature heading, first meaningful frame, arch hint, running tests and
// known issues. It logs the corpus's recall: the logs read right out of
// all.
func TestCorpus(t *testing.T) {
	rows := readCorpus(t)
	logs, err := filepath.Glob(filepath.Join(corpusDir, "*.log"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(logs), 100)
	listed := map[string]bool{}
	for _, row := range rows {
		listed[row.File] = true
	}
	for _, path := range logs {
		assert.True(t, listed[filepath.Base(path)], "%s has no line in expectations.tsv", path)
	}
	right := 0
	for _, want := range rows {
		ok := t.Run(strings.TrimSuffix(want.File, ".log"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, want.File))
			require.NoError(t, err)
			r := Log(data)
			assert.Equal(t, want, corpusReading(want.File, r), "summary: %s", r.Summary)
		})
		if ok {
			right++
		}
	}
	t.Logf("corpus: %d of %d logs read right in every column", right, len(rows))
	t.Logf("corpus recall: %d of %d logs (outcome, heading and first meaningful frame right)", recall(corpusDir, rows), len(rows))
}

// recall counts the logs of dir whose outcome, signature heading and first
// meaningful frame are read as rows expect: the figure issue #25 measures.
func recall(dir string, rows []corpusRow) int {
	n := 0
	for _, want := range rows {
		data, err := os.ReadFile(filepath.Join(dir, want.File))
		if err != nil {
			continue
		}
		got := corpusReading(want.File, Log(data))
		if got.Outcome == want.Outcome && got.Heading == want.Heading && got.Frame == want.Frame {
			n++
		}
	}
	return n
}

// TestCorpusAgreesWithTheMatrix runs every corpus log through the matrix's
// classifier as the output of a cell that exited with status 2, the
// runtime's crash status, and checks that the matrix says what diagnose
// says: the same crash signature and frames, the same timeout, and no
// crash where diagnose finds none.
func TestCorpusAgreesWithTheMatrix(t *testing.T) {
	for _, row := range readCorpus(t) {
		t.Run(strings.TrimSuffix(row.File, ".log"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpusDir, row.File))
			require.NoError(t, err)
			r := Log(data)
			v := classify.Classify(classify.Input{Output: data, ExitCode: 2})
			switch r.Outcome {
			case OutcomeCrash:
				assert.Equal(t, record.Crash, v.Outcome, v.Reason)
				assert.Equal(t, r.Signature, v.Signature)
				assert.Equal(t, r.Frames, v.Frames)
			case OutcomeTimeout:
				assert.Equal(t, record.Timeout, v.Outcome, v.Reason)
				assert.Equal(t, r.Frames, v.Frames)
				for _, test := range r.RunningTests {
					assert.Contains(t, v.Reason, test)
				}
			default:
				assert.Equal(t, record.Fail, v.Outcome, "diagnose says %s; the matrix: %s %s", r.Outcome, v.Signature, v.Reason)
			}
		})
	}
}
