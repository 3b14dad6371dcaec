package docstest

import (
	"fmt"
	"strings"
)

// shellCommand is one simple command of a shell script: its words after
// quote removal (variables and command substitutions left as written),
// where its output goes, the body of its here-document, and its line.
type shellCommand struct {
	words   []string
	stdout  string
	stdin   string
	heredoc string
	line    int
}

// shellLexer splits a shell script into simple commands: enough of the
// POSIX shell for documentation examples (quotes, escapes, line
// continuations, comments, $(...) and ${...}, redirections, here-documents,
// &&, ||, |, ;, &, subshells and braces).
type shellLexer struct {
	src  []rune
	i    int
	line int
	cmds []shellCommand
	cur  shellCommand
	// pending are here-document delimiters whose bodies start after the
	// current line, with the command each belongs to.
	pending []pendingHeredoc
}

type pendingHeredoc struct {
	delim string
	cmd   int // index in cmds, or -1 for cur
}

// parseShell returns the simple commands of script, whose first line is
// line firstLine of its file.
func parseShell(script string, firstLine int) ([]shellCommand, error) {
	l := &shellLexer{src: []rune(script), line: firstLine}
	l.cur.line = l.line
	if err := l.run(); err != nil {
		return nil, fmt.Errorf("line %d: %w", l.line, err)
	}
	return l.cmds, nil
}

func (l *shellLexer) endCommand() {
	// Braces and the words of a subshell's parentheses are grouping only.
	words := l.cur.words
	for len(words) > 0 && (words[0] == "{" || words[0] == "}") {
		words = words[1:]
	}
	for len(words) > 0 && (words[len(words)-1] == "{" || words[len(words)-1] == "}") {
		words = words[:len(words)-1]
	}
	l.cur.words = words
	idx := -1
	if len(words) > 0 || l.cur.heredoc != "" {
		l.cmds = append(l.cmds, l.cur)
		idx = len(l.cmds) - 1
	}
	for i := range l.pending {
		if l.pending[i].cmd == -1 {
			l.pending[i].cmd = idx
		}
	}
	l.cur = shellCommand{line: l.line}
}

func (l *shellLexer) peek(k int) rune {
	if l.i+k < len(l.src) {
		return l.src[l.i+k]
	}
	return 0
}

func (l *shellLexer) run() error {
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == '\\' && l.peek(1) == '\n':
			l.i += 2
			l.line++
		case c == ' ' || c == '\t':
			l.i++
		case c == '#':
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.i++
			}
		case c == '\n':
			l.i++
			l.line++
			l.endCommand()
			if err := l.readHeredocs(); err != nil {
				return err
			}
		case c == ';' || c == '(' || c == ')':
			l.i++
			l.endCommand()
		case c == '&' && l.peek(1) == '>':
			l.i += 2
			target, err := l.word()
			if err != nil {
				return err
			}
			l.cur.stdout = target
		case c == '&' || c == '|':
			l.i++
			if l.peek(0) == c {
				l.i++
			}
			l.endCommand()
		case c == '>' || c == '<':
			if err := l.redirect(); err != nil {
				return err
			}
		default:
			start := l.i
			w, err := l.word()
			if err != nil {
				return err
			}
			// A file descriptor number glued to a redirection: 2>&1.
			if l.i < len(l.src) && (l.src[l.i] == '>' || l.src[l.i] == '<') && isDigits(string(l.src[start:l.i])) {
				if err := l.redirect(); err != nil {
					return err
				}
				continue
			}
			l.cur.words = append(l.cur.words, w)
		}
	}
	l.endCommand()
	if len(l.pending) > 0 {
		return fmt.Errorf("here-document %q is not closed", l.pending[0].delim)
	}
	return nil
}

// redirect reads a redirection at l.i (after any file descriptor).
func (l *shellLexer) redirect() error {
	op := string(l.src[l.i])
	l.i++
	for l.i < len(l.src) && (l.src[l.i] == '>' || l.src[l.i] == '<' || l.src[l.i] == '-') {
		op += string(l.src[l.i])
		l.i++
	}
	if l.peek(0) == '&' { // >&2, 2>&1
		l.i++
		for l.i < len(l.src) && l.src[l.i] >= '0' && l.src[l.i] <= '9' {
			l.i++
		}
		return nil
	}
	for l.peek(0) == ' ' || l.peek(0) == '\t' {
		l.i++
	}
	target, err := l.word()
	if err != nil {
		return err
	}
	if target == "" {
		return fmt.Errorf("redirection %s without a target", op)
	}
	switch {
	case strings.HasPrefix(op, "<<"):
		l.pending = append(l.pending, pendingHeredoc{delim: target, cmd: -1})
	case strings.HasPrefix(op, ">"):
		l.cur.stdout = target
	case op == "<":
		l.cur.stdin = target
	}
	return nil
}

// readHeredocs reads the bodies of the pending here-documents, which start
// at l.i.
func (l *shellLexer) readHeredocs() error {
	for _, p := range l.pending {
		var body strings.Builder
		for {
			if l.i >= len(l.src) {
				return fmt.Errorf("here-document %q is not closed", p.delim)
			}
			end := l.i
			for end < len(l.src) && l.src[end] != '\n' {
				end++
			}
			text := string(l.src[l.i:end])
			l.i = min(end+1, len(l.src))
			l.line++
			if strings.TrimLeft(text, "\t") == p.delim {
				break
			}
			body.WriteString(text + "\n")
		}
		if p.cmd >= 0 {
			l.cmds[p.cmd].heredoc = body.String()
		}
	}
	l.pending = nil
	l.cur.line = l.line
	return nil
}

// word reads one word at l.i, removing quotes and escapes; $(...), ${...}
// and $VAR stay as written.
func (l *shellLexer) word() (string, error) {
	var b strings.Builder
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '>' || c == '<' || c == '(' || c == ')':
			return b.String(), nil
		case c == '\\' && l.peek(1) == '\n':
			l.i += 2
			l.line++
			return b.String(), nil
		case c == '\\':
			if l.i+1 < len(l.src) {
				b.WriteRune(l.src[l.i+1])
			}
			l.i += 2
		case c == '\'':
			end := l.i + 1
			for end < len(l.src) && l.src[end] != '\'' {
				end++
			}
			if end >= len(l.src) {
				return "", fmt.Errorf("unclosed single quote")
			}
			text := string(l.src[l.i+1 : end])
			l.line += strings.Count(text, "\n")
			b.WriteString(text)
			l.i = end + 1
		case c == '"':
			l.i++
			closed := false
			for l.i < len(l.src) && !closed {
				d := l.src[l.i]
				switch {
				case d == '"':
					closed = true
					l.i++
				case d == '\\' && strings.ContainsRune("\"\\$`\n", l.peek(1)):
					if l.peek(1) != '\n' {
						b.WriteRune(l.peek(1))
					}
					l.i += 2
				case d == '$' && l.peek(1) == '(':
					b.WriteString(l.balanced('(', ')'))
				default:
					if d == '\n' {
						l.line++
					}
					b.WriteRune(d)
					l.i++
				}
			}
			if !closed {
				return "", fmt.Errorf("unclosed double quote")
			}
		case c == '$' && l.peek(1) == '(':
			b.WriteString(l.balanced('(', ')'))
		case c == '$' && l.peek(1) == '{':
			b.WriteString(l.balanced('{', '}'))
		default:
			b.WriteRune(c)
			l.i++
		}
	}
	return b.String(), nil
}

// balanced returns the text from l.i ("$(" or "${") to its matching close,
// as written, and moves past it.
func (l *shellLexer) balanced(open, close rune) string {
	start := l.i
	depth := 0
	for l.i < len(l.src) {
		c := l.src[l.i]
		l.i++
		switch c {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return string(l.src[start:l.i])
			}
		case '\n':
			l.line++
		}
	}
	return string(l.src[start:l.i])
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
