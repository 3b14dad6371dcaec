package config

import (
	"errors"
	"fmt"
	"strings"
)

// SplitCommand splits a command line into its words by the quoting rules
// of the POSIX shell, without running a shell or expanding anything: words
// are separated by spaces, tabs and newlines; 'single quotes' keep every
// character as it is; "double quotes" keep every character but a
// backslash before $, `, ", \ or a newline; outside quotes a backslash
// keeps the next character as it is (and a backslash-newline is removed).
// ” and "" are empty words.
//
// Characters a shell would act on — | & ; < > ( ) $ and ` — are refused
// when they are not quoted: gorepro runs the command without a shell, so
// a pipe, a redirection, a second command or a variable would not do what
// it says. An unterminated quote and a trailing backslash are refused too.
func SplitCommand(line string) ([]string, error) {
	var (
		words  []string
		word   strings.Builder
		inWord bool
	)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case c == '\\':
			if i+1 == len(line) {
				return nil, errors.New("ends with a backslash that escapes nothing")
			}
			i++
			if line[i] != '\n' {
				word.WriteByte(line[i])
				inWord = true
			}
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated single quote at byte %d", i+1)
			}
			word.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			start := i
			for i++; ; i++ {
				if i == len(line) {
					return nil, fmt.Errorf("unterminated double quote at byte %d", start+1)
				}
				if line[i] == '"' {
					break
				}
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("$`\"\\\n", line[i+1]) >= 0 {
					i++
					if line[i] == '\n' {
						continue
					}
				}
				word.WriteByte(line[i])
			}
			inWord = true
		case strings.IndexByte("|&;<>()$`", c) >= 0:
			return nil, fmt.Errorf("unquoted %q at byte %d: the command runs without a shell, so there are no pipes, redirections, variables or command lists; quote it ('%c') to pass it as it is, give each command its own --prepare, or run sh -c 'COMMANDS'", string(c), i+1, c)
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}

// JoinCommand is the inverse of SplitCommand: argv as one command line,
// each word quoted by QuoteWord.
func JoinCommand(argv []string) string {
	quoted := make([]string, len(argv))
	for i, w := range argv {
		quoted[i] = QuoteWord(w)
	}
	return strings.Join(quoted, " ")
}

// QuoteWord quotes w for SplitCommand and a POSIX shell: a word made only
// of characters that never need quoting is returned as it is, anything
// else in single quotes.
func QuoteWord(w string) string {
	if w != "" && !strings.ContainsFunc(w, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./-_", r))
	}) {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
