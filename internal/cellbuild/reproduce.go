package cellbuild

import (
	"strings"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/internal/redact"
)

// reproduce describes a build for a person to redo it: dir, the variables
// gorepro set and the argv, all redacted, and a shell script doing the same.
func reproduce(dir string, setEnv, argv []string) record.Reproduce {
	env := make([]string, len(setEnv))
	for i, kv := range setEnv {
		env[i] = redact.Env(kv)
	}
	redacted := make([]string, len(argv))
	for i, a := range argv {
		redacted[i] = redact.URL(a)
	}
	return record.Reproduce{
		Dir:    dir,
		Env:    env,
		Build:  redacted,
		Script: Script(dir, env, redacted),
	}
}

// Script returns a shell snippet that runs argv in dir with env added to the
// environment: `cd DIR && env K=V ... ARGV...`, every word quoted as needed.
// It is for people to paste; gorepro never runs it.
func Script(dir string, env, argv []string) string {
	var b strings.Builder
	if dir != "" {
		b.WriteString("cd ")
		b.WriteString(ShellQuote(dir))
		b.WriteString(" && ")
	}
	if len(env) > 0 {
		b.WriteString("env ")
		b.WriteString(shellJoin(env))
		b.WriteString(" ")
	}
	b.WriteString(shellJoin(argv))
	return b.String()
}

// shellJoin quotes each word and joins them with spaces.
func shellJoin(words []string) string { return config.JoinCommand(words) }

// ShellQuote quotes s for a POSIX shell: words made only of safe characters
// are returned as they are, everything else in single quotes.
func ShellQuote(s string) string { return config.QuoteWord(s) }
