package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/runfixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		golden string
		render func(io.Writer) error
	}{
		{"table.golden", func(w io.Writer) error { return WriteTable(w, runfixture.SampleRun().Cells) }},
		{"table-empty.golden", func(w io.Writer) error { return WriteTable(w, nil) }},
		{"text.golden", func(w io.Writer) error { return WriteText(w, runfixture.SampleRun()) }},
		{"results.md.golden", func(w io.Writer) error { return WriteMarkdown(w, runfixture.SampleRun(), nil) }},
		{"junit.xml.golden", func(w io.Writer) error { return WriteJUnit(w, runfixture.SampleRun()) }},
		{"results.json.golden", func(w io.Writer) error { return WriteJSON(w, runfixture.SampleRun()) }},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tt.render(&buf))
			for i, line := range strings.Split(buf.String(), "\n") {
				assert.Equal(t, strings.TrimRight(line, " \t"), line, "trailing space on line %d", i+1)
			}
			assert.True(t, strings.HasSuffix(buf.String(), "\n"), "output ends in a newline")
			runfixture.CheckGolden(t, tt.golden, buf.Bytes())
		})
	}
}

func TestColumns(t *testing.T) {
	tests := []struct {
		name string
		cell record.Cell
		want []string
	}{
		{
			name: "pass",
			cell: record.Cell{Toolchain: "local", GoVersion: "go1.26.8", Protobuf: "v1.36.10", ProtobufLinked: "v1.36.10", Cover: true,
				Target: "repro", BinaryArch: "amd64", HostArch: "amd64", Outcome: record.Pass, Runs: 3},
			want: []string{"local", "go1.26.8", "v1.36.10", "on", "repro", "amd64/amd64", "pass", "3/3", ""},
		},
		{
			name: "flaky crash counted from outcomeCounts, protobuf upgraded",
			cell: record.Cell{Toolchain: "t", Protobuf: "v1.33.0", ProtobufLinked: "v1.36.10", Target: "repro", BinaryArch: "amd64",
				HostArch: "arm64", Outcome: record.Crash, Flaky: true, Runs: 3, OutcomeCounts: map[record.Outcome]int{record.Crash: 1, record.Pass: 2},
				Signature: "fatal error: x in y", Reason: "ignored"},
			want: []string{"t", "-", "v1.33.0→v1.36.10", "off", "repro", "amd64/arm64", "crash (flaky)", "1/3", "fatal error: x in y"},
		},
		{
			name: "emulated",
			cell: record.Cell{Toolchain: "t", Protobuf: "v1.36.10", Target: "repro", BinaryArch: "arm64", HostArch: "amd64",
				Emulated: true, Emulator: "qemu-user", Outcome: record.Pass, Runs: 1},
			want: []string{"t", "-", "v1.36.10", "off", "repro", "arm64/amd64 (emulated)", "pass", "1/1", ""},
		},
		{
			name: "flaky crash counted from runResults",
			cell: record.Cell{Outcome: record.Crash, Flaky: true, Runs: 3, Signature: "s",
				RunResults: []record.RunResult{{Outcome: record.Pass}, {Outcome: record.Crash}, {Outcome: record.Crash}}},
			want: []string{"-", "-", "-", "off", "-", "-", "crash (flaky)", "2/3", "s"},
		},
		{
			name: "flaky crash counted from crashes",
			cell: record.Cell{Outcome: record.Crash, Flaky: true, Runs: 5, Crashes: 2, Signature: "s"},
			want: []string{"-", "-", "-", "off", "-", "-", "crash (flaky)", "2/5", "s"},
		},
		{
			name: "flaky timeout without counts",
			cell: record.Cell{Outcome: record.Timeout, Flaky: true, Runs: 2, Reason: "no exit"},
			want: []string{"-", "-", "-", "off", "-", "-", "timeout (flaky)", "?/2", "no exit"},
		},
		{
			name: "crash without signature falls back to reason",
			cell: record.Cell{Outcome: record.Crash, Runs: 1, Reason: "killed by\nSIGSEGV"},
			want: []string{"-", "-", "-", "off", "-", "-", "crash", "1/1", "killed by SIGSEGV"},
		},
		{
			name: "build error: no runs, long reason shortened",
			cell: record.Cell{Toolchain: "x", GoVersion: "go1.27.3", Protobuf: "v1.36.10", HostArch: "amd64", Outcome: record.BuildError,
				Reason: strings.Repeat("abcdefghi ", 10)},
			want: []string{"x", "go1.27.3", "v1.36.10", "off", "-", "-/amd64", "build-error", "-",
				strings.TrimSpace(strings.Repeat("abcdefghi ", 8)) + "…"},
		},
		{
			name: "unavailable",
			cell: record.Cell{Outcome: record.Unavailable, Reason: "podman not found", Runs: 0},
			want: []string{"-", "-", "-", "off", "-", "-", "unavailable", "-", "podman not found"},
		},
		{
			name: "linked protobuf without asked version",
			cell: record.Cell{ProtobufLinked: "v1.36.10", Outcome: record.Pass, Runs: 1},
			want: []string{"-", "-", "v1.36.10", "off", "-", "-", "pass", "1/1", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, TableRow(tt.cell))
			assert.Len(t, tt.want, len(TableHeader()))
		})
	}
}

func TestSignatureColumnShortensToAbout80(t *testing.T) {
	got := SignatureColumn(record.Cell{Outcome: record.Fail, Reason: strings.Repeat("x", 200)})
	assert.Equal(t, 80, len([]rune(got)))
	assert.True(t, strings.HasSuffix(got, "…"))
}

func TestSummary(t *testing.T) {
	assert.Equal(t, "8 cells: 2 pass, 1 fail, 1 timeout, 2 crash (1 flaky), 1 build-error, 1 unavailable; 1 cached",
		Summary(runfixture.SampleRun().Cells))
	assert.Equal(t, "0 cells", Summary(nil))
	assert.Equal(t, "1 cell: 1 pass", Summary([]record.Cell{{Outcome: record.Pass}}))
	assert.Equal(t, "3 cells: 2 build-error, 1 unavailable; no cell ran a binary: 2 build-error, 1 unavailable",
		Summary([]record.Cell{{Outcome: record.BuildError}, {Outcome: record.Unavailable}, {Outcome: record.BuildError}}))
}

// TestNothingRan: a run in which no cell ran a binary tested nothing, and
// every report says so.
func TestNothingRan(t *testing.T) {
	cells := func(outcomes ...record.Outcome) []record.Cell {
		var cs []record.Cell
		for _, o := range outcomes {
			cs = append(cs, record.Cell{Toolchain: "local", Target: "app", Outcome: o, Reason: "x.go:1:1: undefined: y"})
		}
		return cs
	}
	assert.Empty(t, NothingRan(nil))
	assert.Empty(t, NothingRan(cells(record.BuildError, record.Pass)))
	assert.Empty(t, NothingRan(cells(record.Unavailable, record.Fail)))
	assert.Empty(t, NothingRan(cells(record.BuildError, record.Timeout)))
	assert.Empty(t, NothingRan(cells(record.Crash)))
	assert.Equal(t, "no cell ran a binary: 2 build-error", NothingRan(cells(record.BuildError, record.BuildError)))
	assert.Equal(t, "no cell ran a binary: 1 unavailable", NothingRan(cells(record.Unavailable)))
	assert.Equal(t, "no cell ran a binary: 1 build-error, 2 unavailable", NothingRan(cells(record.Unavailable, record.BuildError, record.Unavailable)))

	const want = "no cell ran a binary: 1 build-error, 1 unavailable"
	run := &record.Run{ID: "r", Cells: cells(record.BuildError, record.Unavailable)}
	for _, format := range Formats() {
		if format == "json" {
			continue // the results document: its cells say it
		}
		t.Run(format, func(t *testing.T) {
			render, ok := RendererFor(format)
			require.True(t, ok)
			var buf bytes.Buffer
			require.NoError(t, render(&buf, run, nil))
			assert.Contains(t, buf.String(), want)
		})
	}
	var text bytes.Buffer
	require.NoError(t, WriteText(&text, run))
	assert.Contains(t, text.String(), "\nnothing tested: "+want+"\n")
}

func TestWriteJUnitIsValidXML(t *testing.T) {
	run := runfixture.SampleRun()
	// Crash output may hold terminal escapes, NULs and invalid UTF-8, and
	// "]]>" must not end the CDATA section early.
	run.Cells[1].Signature = "fatal error: \x1b[31mred\x1b[0m \x00 \xff ]]> <&>"
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, run))

	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name    string `xml:"name,attr"`
			Skipped int    `xml:"skipped,attr"`
			Cases   []struct {
				Classname string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct {
					Reason string `xml:",chardata"`
				} `xml:"skipped"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc), buf.String())
	assert.Equal(t, 8, doc.Tests)
	assert.Equal(t, 4, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	require.Len(t, doc.Suites, 1)
	assert.Equal(t, 1, doc.Suites[0].Skipped)
	assert.Equal(t, "gorepro", doc.Suites[0].Name)
	crash := doc.Suites[0].Cases[1]
	assert.Equal(t, "ubi9-go1.25", crash.Classname)
	assert.Equal(t, "controller protobuf=v1.36.10 cover=on arch=amd64/arm64", crash.Name)
	require.NotNil(t, crash.Failure)
	assert.Equal(t, "crash", crash.Failure.Type)
	assert.Contains(t, crash.Failure.Message, "]]> <&>")
	assert.Contains(t, crash.Failure.Text, "podman run --rm gorepro-cell")
	assert.Contains(t, crash.Failure.Text, "signature: fatal error: \uFFFD[31mred")
	assert.Equal(t, "reproduce:\ncd /src/controller\npodman build --arch amd64 -t gorepro-cell .\npodman run --rm gorepro-cell\n", crash.SystemOut)
	assert.Equal(t, "podman: executable file not found in $PATH", doc.Suites[0].Cases[6].Skipped.Reason)
}
