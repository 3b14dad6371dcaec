package redact

import (
	"regexp"
	"strings"
	"sync"
)

// patterns are the redaction patterns. They are compiled once (shared)
// and never changed, so sharing them is safe.
type patterns struct {
	// userinfo matches the user information of URLs ("scheme://user:pass@").
	userinfo *regexp.Regexp
	// secretName matches environment variable names whose values are secrets.
	secretName *regexp.Regexp
	// assignment matches NAME=value and NAME: value pairs in free text.
	assignment *regexp.Regexp
	// header matches HTTP authorization headers up to the end of the line.
	header *regexp.Regexp
	// tokens matches well-known credential formats wherever they appear.
	tokens *regexp.Regexp
}

// shared returns the patterns every caller uses: compiling them for each
// redacted string made rendering a report several times slower.
var shared = sync.OnceValue(newPatterns)

func newPatterns() *patterns {
	return &patterns{
		userinfo:   regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s,|'"]+@`),
		secretName: regexp.MustCompile(`(?i)(TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_KEY|AUTH)`),
		header:     regexp.MustCompile(`(?i)\b((?:proxy-)?authorization)(:[ \t]*)[^\n]*`),
		assignment: regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)(=|: ?)("[^"\n]*"|'[^'\n]*'|[^\s"']+)`),
		tokens: regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|npm_[A-Za-z0-9]{36})\b` +
			`|(?i:\b(bearer|basic) [A-Za-z0-9._~+/=-]{8,})`),
	}
}

// URL replaces the credentials in URLs found in s with REDACTED:
// "GOPROXY=https://user:token@host/path" becomes
// "GOPROXY=https://REDACTED@host/path". Lists such as GOPROXY's
// ("a,b|direct") are handled element by element.
func URL(s string) string {
	return shared().url(s)
}

func (r *patterns) url(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s // no URL with user information: spare the regexp
	}
	return r.userinfo.ReplaceAllString(s, "${1}REDACTED@")
}

// Env redacts a KEY=VALUE string: URLs as URL does, and the whole
// value when the name looks like it holds a secret (GITHUB_TOKEN,
// NPM_PASSWORD, ...).
func Env(kv string) string {
	r := shared()
	k, v, ok := strings.Cut(kv, "=")
	if ok && v != "" && r.secretName.MatchString(k) {
		return k + "=REDACTED"
	}
	return r.url(kv)
}

// Text redacts free text such as a log or a shell script before it
// goes into a report: credentials in URLs, the values of NAME=value and
// NAME: value pairs whose name looks secret (GITHUB_TOKEN=..., Authorization:
// ...), and well-known token formats (GitHub, GitLab, Slack, AWS access key
// IDs, npm, bearer and basic credentials) wherever they appear.
func Text(s string) string {
	r := shared()
	s = r.url(s)
	if containsFold(s, "authorization") {
		s = r.header.ReplaceAllString(s, "${1}${2}REDACTED")
	}
	// A pair is redacted only when its name looks secret, so a text in
	// which no secret name occurs has nothing for assignments to do: one
	// search instead of a match and a submatch for every NAME=value.
	if mayNameSecret(s) {
		s = r.assignments(s)
	}
	return r.knownTokens(s)
}

// containsFold reports whether s contains the lower-case ASCII word sub in
// any mix of cases.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if c := s[i] | 0x20; c == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// mayNameSecret reports whether s may contain a name secretName matches:
// one of its words, in any case, somewhere in s. It is a quick superset
// of the regexp's (case-insensitive alternations are slow in Go's
// regexp), for the ASCII names assignments looks at.
func mayNameSecret(s string) bool {
	for i := 0; i < len(s); i++ {
		var words []string
		switch s[i] | 0x20 {
		case 't':
			words = []string{"token"}
		case 's':
			words = []string{"secret"}
		case 'p':
			words = []string{"passw", "private_key"}
		case 'c':
			words = []string{"credential"}
		case 'a':
			words = []string{"auth", "apikey", "api_key"}
		default:
			continue
		}
		for _, w := range words {
			if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

// assignments redacts the values of NAME=value and NAME: value pairs whose
// name looks secret. The value of a pair with another name is searched
// too: in "found: DB_PASSWORD=x" the pair "found: DB_PASSWORD=x" holds
// the secret one.
func (r *patterns) assignments(s string) string {
	return r.assignment.ReplaceAllStringFunc(s, func(m string) string {
		sub := r.assignment.FindStringSubmatch(m)
		if sub[3] == "REDACTED" {
			return m
		}
		if !r.secretName.MatchString(sub[1]) {
			return sub[1] + sub[2] + r.assignments(sub[3])
		}
		return sub[1] + sub[2] + "REDACTED"
	})
}

// KnownTokens redacts only the well-known token formats in s. Unlike Text
// it never touches the characters around a token, so it can go over a
// whole rendered document without breaking its markup.
func KnownTokens(s string) string {
	return shared().knownTokens(s)
}

func (r *patterns) knownTokens(s string) string {
	return r.tokens.ReplaceAllStringFunc(s, func(m string) string {
		if scheme, _, ok := strings.Cut(m, " "); ok && (strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "basic")) {
			return scheme + " REDACTED"
		}
		return "REDACTED"
	})
}
