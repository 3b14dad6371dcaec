package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"GOPROXY=https://user:tok@proxy.example/mod,direct", "GOPROXY=https://REDACTED@proxy.example/mod,direct"},
		{"env GITHUB_TOKEN=abc123 go build", "env GITHUB_TOKEN=REDACTED go build"},
		{`export NPM_PASSWORD="a b c"`, "export NPM_PASSWORD=REDACTED"},
		{"Authorization: Bearer abcdefghijkl", "Authorization: REDACTED"},
		{"curl -H 'x: Bearer abcdefghijkl'", "curl -H 'x: Bearer REDACTED'"},
		{"pushed with ghp_" + "0123456789abcdefghijABCDEFGHIJ", "pushed with REDACTED"},
		{"key AKIA" + "ABCDEFGHIJKLMNOP used", "key REDACTED used"},
		{"GOFLAGS=-mod=mod GOAMD64=v3", "GOFLAGS=-mod=mod GOAMD64=v3"},
		{"panic: boom in main.explode", "panic: boom in main.explode"},
		{"GOREPRO_AUTHOR=me", "GOREPRO_AUTHOR=REDACTED"},
		{"not found: DB_PASSWORD=hunter2 here", "not found: DB_PASSWORD=REDACTED here"},
		{"-e=GITHUB_TOKEN=abc", "-e=GITHUB_TOKEN=REDACTED"},
	} {
		assert.Equal(t, tt.want, Text(tt.in), tt.in)
	}
}

func TestEnv(t *testing.T) {
	assert.Equal(t, "GITHUB_TOKEN=REDACTED", Env("GITHUB_TOKEN=x"))
	assert.Equal(t, "GOFLAGS=", Env("GOFLAGS="))
	assert.Equal(t, "GOPROXY=https://REDACTED@h", Env("GOPROXY=https://u:p@h"))
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GOPROXY=https://user:token@host", "GOPROXY=https://REDACTED@host"},
		{"GOPROXY=https://user:token@proxy.example.com/go,https://proxy.golang.org,direct",
			"GOPROXY=https://REDACTED@proxy.example.com/go,https://proxy.golang.org,direct"},
		{"GOPROXY=https://a:b@one.example|https://token@two.example/p|off", "GOPROXY=https://REDACTED@one.example|https://REDACTED@two.example/p|off"},
		{"GOPROXY=https://proxy.golang.org,direct", "GOPROXY=https://proxy.golang.org,direct"},
		{"-ldflags=-X main.url=https://u:p@h/x", "-ldflags=-X main.url=https://REDACTED@h/x"},
		{"git@github.com:org/repo", "git@github.com:org/repo"},
		{"GONOSUMDB=example.com/@private", "GONOSUMDB=example.com/@private"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, URL(tt.in), tt.in)
	}
}

// TestTextShortcutsChangeNothing checks that Text's shortcuts (no "://" and
// "@", no "authorization", no secret name: the regexp is not run) give
// what running every pattern gives, on texts with and without what each
// shortcut looks for, in mixed case.
func TestTextShortcutsChangeNothing(t *testing.T) {
	full := func(s string) string {
		r := shared()
		s = r.userinfo.ReplaceAllString(s, "${1}REDACTED@")
		s = r.header.ReplaceAllString(s, "${1}${2}REDACTED")
		return r.knownTokens(r.assignments(s))
	}
	parts := []string{"", "go build -o bin/x ./cmd/x", "https://u:p@h/x", "git@github.com:o/r", "AuThOrIzAtIoN: basic abcdefghij",
		"proxy-authorization:\tx", "Secret_Name=v", "a=b c: d", "found: DB_PASSWORD=x", "panic: runtime error", "x@y", "://",
		"MY_APIKEY: v", "Private_Key='k'", "credential=c", "passwd=p", "TOKEN"}
	for _, a := range parts {
		for _, b := range parts {
			s := a + "\n" + b + " " + a
			assert.Equal(t, full(s), Text(s), s)
		}
	}
	for _, name := range []string{"GITHUB_TOKEN", "my_Secret", "PASSWD", "db_password", "CREDENTIALS", "APIKEY", "api_key", "PRIVATE_KEY", "x_auth"} {
		assert.True(t, mayNameSecret("x "+name+"=1"), name)
		assert.True(t, shared().secretName.MatchString(name), name)
	}
	assert.False(t, mayNameSecret("GOFLAGS=-mod=mod GOAMD64=v3 panic: boom"))
	assert.True(t, containsFold("x AUTHORIZATION y", "authorization"))
	assert.False(t, containsFold("authorizatio", "authorization"))
}
