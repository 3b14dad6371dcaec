package dockerfile

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// From is one FROM instruction of a Dockerfile: one stage.
type From struct {
	// Line is the line of the FROM keyword (1-based); Text the whole
	// instruction, continued lines joined, for messages.
	Line int
	Text string
	// Index is the stage's number, from 0; Stage its name after AS as
	// written ("" when it has none).
	Index int
	Stage string
	// Flags are the words before the image ("--platform=$BUILDPLATFORM").
	Flags []string
	// Image is the image as written ("${BUILDER}"); Expanded the same
	// with the variables of the ARGs before the first FROM replaced by
	// their defaults.
	Image    string
	Expanded string
	// StageRef is true when Image names an earlier stage, not an image.
	StageRef bool
	// ImageLine is the line the image word is on; imageOff its byte
	// offset in the file; split is true when a continuation cuts it.
	ImageLine int
	imageOff  int
	split     bool
}

// UsesVariable says whether the image is written with a variable.
func (f From) UsesVariable() bool { return strings.Contains(f.Image, "$") }

// Describe is the FROM line for messages: `line 3: FROM golang:1.25 AS build`.
func (f From) Describe() string { return fmt.Sprintf("line %d: %s", f.Line, f.Text) }

// File is a parsed Dockerfile: its bytes and its FROM lines.
type File struct {
	// Froms are the FROM instructions, in order.
	Froms []From
	data  []byte
	lines []line
}

// line is one physical line: its text without the line break, its offset
// in the file and its number.
type line struct {
	text string
	off  int
	num  int
}

// instruction is one logical line: the text of its physical lines joined
// without the continuation characters, with the file offset of each byte.
type instruction struct {
	line int
	text strings.Builder
	offs []int
}

func (in *instruction) add(s string, off int) {
	in.text.WriteString(s)
	for i := range len(s) {
		in.offs = append(in.offs, off+i)
	}
}

// word is a whitespace-separated word of an instruction and where it
// starts in the instruction's text.
type word struct {
	text  string
	start int
}

// ReadFile reads and parses the Dockerfile at path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

var (
	directiveRE = regexp.MustCompile(`^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$`)
	heredocRE   = regexp.MustCompile(`<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)(["']?)`)
)

// Parse reads the FROM lines of a Dockerfile (see the package doc). The
// error names the line of a FROM without an image, or an unknown escape
// character.
func Parse(data []byte) (*File, error) {
	f := &File{data: data, lines: splitLines(data)}
	i, escape, err := directives(f.lines)
	if err != nil {
		return nil, err
	}
	args := map[string]string{}
	stages := map[string]bool{}
	for i < len(f.lines) {
		if blankOrComment(f.lines[i].text) {
			i++
			continue
		}
		var in *instruction
		in, i = joinInstruction(f.lines, i, escape)
		words := fields(in.text.String())
		if len(words) == 0 {
			continue
		}
		switch strings.ToUpper(words[0].text) {
		case "FROM":
			from, err := f.parseFrom(in, words, args, stages)
			if err != nil {
				return nil, err
			}
			f.Froms = append(f.Froms, from)
		case "ARG":
			if len(f.Froms) == 0 {
				globalArgs(words[1:], args)
			}
		case "RUN", "COPY", "ADD":
			i = skipHeredocs(f.lines, i, in.text.String())
		}
	}
	return f, nil
}

// splitLines splits data into lines, without "\n" or "\r\n".
func splitLines(data []byte) []line {
	var lines []line
	off := 0
	for n := 1; off < len(data); n++ {
		end := strings.IndexByte(string(data[off:]), '\n')
		next := off + end + 1
		if end < 0 {
			end, next = len(data)-off, len(data)
		}
		lines = append(lines, line{text: strings.TrimSuffix(string(data[off:off+end]), "\r"), off: off, num: n})
		off = next
	}
	return lines
}

// directives reads the parser directives at the top of the file: the
// first line after them and the escape character.
func directives(lines []line) (int, byte, error) {
	escape := byte('\\')
	i := 0
	for ; i < len(lines); i++ {
		m := directiveRE.FindStringSubmatch(lines[i].text)
		if m == nil {
			break
		}
		if strings.EqualFold(m[1], "escape") {
			if m[2] != `\` && m[2] != "`" {
				return 0, 0, fmt.Errorf("line %d: invalid escape directive %q: the escape character is \\ or `", lines[i].num, m[2])
			}
			escape = m[2][0]
		}
	}
	return i, escape, nil
}

func blankOrComment(s string) bool {
	t := strings.TrimLeft(s, " \t")
	return t == "" || t[0] == '#'
}

// joinInstruction joins the instruction starting at lines[i] with the
// lines it continues on, and returns it and the index of the next line.
func joinInstruction(lines []line, i int, escape byte) (*instruction, int) {
	in := &instruction{line: lines[i].num}
	first := true
	for i < len(lines) {
		t := lines[i].text
		start := 0
		if first {
			start = len(t) - len(strings.TrimLeft(t, " \t"))
			first = false
		}
		body := strings.TrimRight(t, " \t")
		cont := len(body) > start && body[len(body)-1] == escape
		if cont {
			body = body[:len(body)-1]
		}
		if start < len(body) {
			in.add(body[start:], lines[i].off+start)
		}
		i++
		if !cont {
			break
		}
		for i < len(lines) && blankOrComment(lines[i].text) {
			i++
		}
	}
	return in, i
}

// fields splits an instruction's text into words at spaces and tabs.
func fields(s string) []word {
	var words []word
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\t' {
			if start >= 0 {
				words = append(words, word{text: s[start:i], start: start})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return words
}

// parseFrom reads one FROM instruction; args are the global ARGs and
// stages the lower-cased names of the stages before it (updated).
func (f *File) parseFrom(in *instruction, words []word, args map[string]string, stages map[string]bool) (From, error) {
	from := From{Line: in.line, Text: strings.Join(texts(words), " "), Index: len(f.Froms)}
	w := words[1:]
	j := 0
	for j < len(w) && strings.HasPrefix(w[j].text, "--") {
		from.Flags = append(from.Flags, w[j].text)
		j++
	}
	if j >= len(w) {
		return From{}, fmt.Errorf("line %d: FROM names no image (%s)", in.line, from.Text)
	}
	image := w[j]
	j++
	if j+1 < len(w) && strings.EqualFold(w[j].text, "AS") {
		from.Stage = w[j+1].text
		j += 2
	}
	if j < len(w) {
		return From{}, fmt.Errorf("line %d: FROM takes an image and an optional AS name, not %q (%s)", in.line, w[j].text, from.Text)
	}
	from.Image = image.text
	from.Expanded = expand(image.text, args)
	from.StageRef = stages[strings.ToLower(image.text)]
	first, last := in.offs[image.start], in.offs[image.start+len(image.text)-1]
	from.imageOff, from.split = first, last-first != len(image.text)-1
	from.ImageLine = f.lineAt(first)
	if from.Stage != "" {
		stages[strings.ToLower(from.Stage)] = true
	}
	return from, nil
}

func texts(words []word) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = w.text
	}
	return out
}

// lineAt is the number of the line holding byte offset off.
func (f *File) lineAt(off int) int {
	n := 0
	for _, l := range f.lines {
		if l.off > off {
			break
		}
		n = l.num
	}
	return n
}

// globalArgs records the defaults of an ARG instruction before the first
// FROM: NAME=value (quotes removed) or NAME (empty).
func globalArgs(words []word, args map[string]string) {
	for _, w := range words {
		name, value, _ := strings.Cut(w.text, "=")
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		args[name] = value
	}
}

// expand replaces $NAME, ${NAME}, ${NAME:-word} and ${NAME:+word} in s
// by the values of args (unset names are empty).
func expand(s string, args map[string]string) string {
	return os.Expand(s, func(v string) string {
		if name, word, ok := strings.Cut(v, ":-"); ok {
			if args[name] != "" {
				return args[name]
			}
			return word
		}
		if name, word, ok := strings.Cut(v, ":+"); ok {
			if args[name] != "" {
				return word
			}
			return ""
		}
		return args[v]
	})
}

// skipHeredocs returns the index of the first line after the bodies of
// the here-documents the instruction text opens, the body starting at
// lines[i].
func skipHeredocs(lines []line, i int, text string) int {
	for _, m := range heredocRE.FindAllStringSubmatch(text, -1) {
		if m[2] != m[4] {
			continue
		}
		for i < len(lines) {
			l := lines[i].text
			if m[1] == "-" {
				l = strings.TrimLeft(l, "\t")
			}
			i++
			if l == m[3] {
				break
			}
		}
	}
	return i
}
