package results

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactText(t *testing.T) {
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
		assert.Equal(t, tt.want, RedactText(tt.in), tt.in)
	}
}

func TestRedactEnv(t *testing.T) {
	assert.Equal(t, "GITHUB_TOKEN=REDACTED", RedactEnv("GITHUB_TOKEN=x"))
	assert.Equal(t, "GOFLAGS=", RedactEnv("GOFLAGS="))
	assert.Equal(t, "GOPROXY=https://REDACTED@h", RedactEnv("GOPROXY=https://u:p@h"))
}
