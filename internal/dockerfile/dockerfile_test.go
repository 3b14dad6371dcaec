package dockerfile

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postmortem is shaped like the taggedPointerPack postmortem's Dockerfile.
const postmortem = `# Build the controller
FROM registry.access.redhat.com/ubi9/go-toolset:1.25 AS builder
USER 1001
WORKDIR /opt/app-root/src
COPY --chown=1001:0 . .
ARG GOARCH=amd64
RUN CGO_ENABLED=0 GOOS=linux GOARCH=${GOARCH} go build -mod=mod -o manager ./cmd/controller

FROM registry.access.redhat.com/ubi9/ubi-minimal:latest
COPY --from=builder /opt/app-root/src/manager /manager
ENTRYPOINT ["/manager"]
`

func TestParseFroms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []From // Line, Index, Stage, Flags, Image, Expanded, StageRef, ImageLine
	}{
		{"postmortem", postmortem, []From{
			{Line: 2, Index: 0, Stage: "builder", Image: "registry.access.redhat.com/ubi9/go-toolset:1.25", Expanded: "registry.access.redhat.com/ubi9/go-toolset:1.25", ImageLine: 2},
			{Line: 9, Index: 1, Image: "registry.access.redhat.com/ubi9/ubi-minimal:latest", Expanded: "registry.access.redhat.com/ubi9/ubi-minimal:latest", ImageLine: 9},
		}},
		{"case, platform flag, AS in lower case, CRLF", "from --platform=$BUILDPLATFORM golang:1.25 as Build\r\nFrom Build aS test\r\n", []From{
			{Line: 1, Index: 0, Stage: "Build", Flags: []string{"--platform=$BUILDPLATFORM"}, Image: "golang:1.25", Expanded: "golang:1.25", ImageLine: 1},
			{Line: 2, Index: 1, Stage: "test", Image: "Build", Expanded: "Build", StageRef: true, ImageLine: 2},
		}},
		{"continuations, comments and blank lines inside", "FROM \\\n  # the builder\n\n  --platform=linux/amd64 \\\n  golang:1.25 \\\n  AS b\n", []From{
			{Line: 1, Index: 0, Stage: "b", Flags: []string{"--platform=linux/amd64"}, Image: "golang:1.25", Expanded: "golang:1.25", ImageLine: 5},
		}},
		{"ARG before FROM", "ARG BUILDER=golang:1.25\nARG REG=\"quay.io\" TAG\nFROM ${BUILDER} AS b\nARG LATE=x\nFROM $REG/ubi:${TAG:-latest}\nFROM ${LATE:-late}\n", []From{
			{Line: 3, Index: 0, Stage: "b", Image: "${BUILDER}", Expanded: "golang:1.25", ImageLine: 3},
			{Line: 5, Index: 1, Image: "$REG/ubi:${TAG:-latest}", Expanded: "quay.io/ubi:latest", ImageLine: 5},
			{Line: 6, Index: 2, Image: "${LATE:-late}", Expanded: "late", ImageLine: 6},
		}},
		{"escape directive and heredoc", "# syntax=docker/dockerfile:1\n# escape=`\nFROM `\n golang AS b\nRUN <<EOF\nFROM not-an-instruction\nEOF\nCOPY <<-'END' /x\n\tFROM neither\n\tEND\nFROM alpine\n", []From{
			{Line: 3, Index: 0, Stage: "b", Image: "golang", Expanded: "golang", ImageLine: 4},
			{Line: 11, Index: 1, Image: "alpine", Expanded: "alpine", ImageLine: 11},
		}},
		{"no FROM", "# nothing\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.in))
			require.NoError(t, err)
			var got []From
			for _, from := range f.Froms {
				got = append(got, From{Line: from.Line, Index: from.Index, Stage: from.Stage, Flags: from.Flags, Image: from.Image,
					Expanded: from.Expanded, StageRef: from.StageRef, ImageLine: from.ImageLine})
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"FROM --platform=linux/amd64\n", "line 1: FROM names no image (FROM --platform=linux/amd64)"},
		{"FROM golang AS\n", `line 1: FROM takes an image and an optional AS name, not "AS" (FROM golang AS)`},
		{"FROM a b c d\n", `line 1: FROM takes an image and an optional AS name, not "b" (FROM a b c d)`},
		{"# escape=x\nFROM a\n", "line 1: invalid escape directive \"x\": the escape character is \\ or `"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		assert.EqualError(t, err, tt.want, tt.in)
	}
}

func TestMatchImage(t *testing.T) {
	tests := []struct {
		pattern, image string
		want           bool
	}{
		{"registry.access.redhat.com/ubi9/go-toolset:*", "registry.access.redhat.com/ubi9/go-toolset:1.25", true},
		{"registry.access.redhat.com/ubi9/go-toolset", "registry.access.redhat.com/ubi9/go-toolset:1.25", true},
		{"registry.access.redhat.com/ubi9/go-toolset", "registry.access.redhat.com/ubi9/go-toolset@sha256:abc", true},
		{"registry.access.redhat.com/ubi9/go-toolset", "registry.access.redhat.com/ubi9/go-toolset-extra:1", false},
		{"registry.access.redhat.com/ubi9/go-toolset:1.24", "registry.access.redhat.com/ubi9/go-toolset:1.25", false},
		{"*/go-toolset:*", "registry.access.redhat.com/ubi9/go-toolset:1.25", true},
		{"golang:1.25*", "golang:1.25.5-bookworm", true},
		{"golang", "docker.io/library/golang:1.25", false},
		{"localhost:5000/go", "localhost:5000/go:1", true},
		{"ubi-minimal", "registry.access.redhat.com/ubi9/ubi-minimal:latest", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, MatchImage(tt.pattern, tt.image), "%s ~ %s", tt.pattern, tt.image)
	}
}

func TestFind(t *testing.T) {
	multi := "ARG BUILDER=golang:1.25\nFROM ${BUILDER} AS build\nFROM build AS test\nFROM golang:1.25 AS tools\nFROM gcr.io/distroless/static\n"
	tests := []struct {
		name   string
		in     string
		sel    Selector
		lines  []int
		errMsg string
	}{
		{"stage", postmortem, Selector{Stage: "builder"}, []int{2}, ""},
		{"stage, other case", postmortem, Selector{Stage: "BUILDER"}, []int{2}, ""},
		{"pattern", postmortem, Selector{Image: "registry.access.redhat.com/ubi9/ubi-minimal:*"}, []int{9}, ""},
		{"pattern matches the expanded ARG and a literal", multi, Selector{Image: "golang:*"}, []int{2, 4}, ""},
		{"pattern never matches a stage", multi, Selector{Image: "build"}, nil,
			`image pattern "build" matches no FROM line; its FROM lines are line 2: FROM ${BUILDER} AS build (golang:1.25 with the ARG defaults); line 3: FROM build AS test; line 4: FROM golang:1.25 AS tools; line 5: FROM gcr.io/distroless/static`},
		{"stage from a stage", multi, Selector{Stage: "test"}, nil,
			"stage test is built FROM the stage build, not from an image (line 3: FROM build AS test): name the stage whose FROM names the image"},
		{"no such stage", postmortem, Selector{Stage: "build"}, nil,
			`stage "build" matches no FROM line; its FROM lines are line 2: FROM registry.access.redhat.com/ubi9/go-toolset:1.25 AS builder; line 9: FROM registry.access.redhat.com/ubi9/ubi-minimal:latest`},
		{"split image", "FROM golang:\\\n1.25 AS b\n", Selector{Stage: "b"}, nil,
			"the image of the FROM at line 1: FROM golang:1.25 AS b is cut by a line continuation; write it on one line"},
		{"empty file", "", Selector{Stage: "b"}, nil, `stage "b" matches no FROM line; the Dockerfile has no FROM line`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.in))
			require.NoError(t, err)
			found, err := f.Find(tt.sel)
			if tt.errMsg != "" {
				assert.EqualError(t, err, tt.errMsg)
				return
			}
			require.NoError(t, err)
			var lines []int
			for _, from := range found {
				lines = append(lines, from.Line)
			}
			assert.Equal(t, tt.lines, lines)
		})
	}
}

// TestSubstitute replaces FROM images and checks that sed, given
// SedScript's expressions, makes the same file from the original.
func TestSubstitute(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		builder Selector
		runtime Selector
		want    string
	}{
		{"postmortem", postmortem, Selector{Stage: "builder"}, Selector{Image: "registry.access.redhat.com/ubi9/ubi-minimal"},
			"# Build the controller\nFROM localhost/go-toolset:1.26.8-1&x|y AS builder\n" + postmortem[len("# Build the controller\nFROM registry.access.redhat.com/ubi9/go-toolset:1.25 AS builder\n"):len(postmortem)-len("FROM registry.access.redhat.com/ubi9/ubi-minimal:latest\nCOPY --from=builder /opt/app-root/src/manager /manager\nENTRYPOINT [\"/manager\"]\n")] +
				"FROM localhost/runtime:latest\nCOPY --from=builder /opt/app-root/src/manager /manager\nENTRYPOINT [\"/manager\"]\n"},
		{"variable, continuation, flag equal to the image", "ARG B=golang\r\nFROM --platform=${B} \\\n  ${B} as b\r\nFROM b\n", Selector{Image: "golang"}, Selector{},
			"ARG B=golang\r\nFROM --platform=${B} \\\n  localhost/go-toolset:1.26.8-1&x|y as b\r\nFROM b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.in))
			require.NoError(t, err)
			var changes []Change
			b, err := f.Find(tt.builder)
			require.NoError(t, err)
			for _, from := range b {
				changes = append(changes, Change{From: from, Role: "builder", To: "localhost/go-toolset:1.26.8-1&x|y"})
			}
			if tt.runtime != (Selector{}) {
				r, err := f.Find(tt.runtime)
				require.NoError(t, err)
				for _, from := range r {
					changes = append(changes, Change{From: from, Role: "runtime", To: "localhost/runtime:latest"})
				}
			}
			got := f.Substitute(changes)
			assert.Equal(t, tt.want, string(got))

			sed, err := exec.LookPath("sed")
			if err != nil {
				t.Skip("sed is not installed")
			}
			argv := []string{}
			for _, e := range f.SedScript(changes) {
				argv = append(argv, "-e", e)
			}
			cmd := exec.Command(sed, argv...)
			cmd.Stdin = bytes.NewReader([]byte(tt.in))
			out, err := cmd.Output()
			require.NoError(t, err, "sed %q", argv)
			assert.Equal(t, tt.want, string(out), "sed %q", argv)
		})
	}
}
