package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// docDefaultAnnotation is the flag annotation that gives the default the
// reference states when the real one depends on the machine (-j: the
// number of CPUs).
const docDefaultAnnotation = "gorepro/doc-default"

// WriteReference writes the command-line reference of root's command tree
// as Markdown: every command's usage, description, examples and flags, as
// its --help shows them. docs/cli.md is this text for gorepro
// (TestDocsUpToDate keeps it so).
func WriteReference(w io.Writer, root *cobra.Command) error {
	var b strings.Builder
	b.WriteString("# gorepro command-line reference\n\n")
	b.WriteString("Generated from the commands themselves by `make docs`; a test fails when it\n")
	b.WriteString("and the commands disagree. `gorepro help COMMAND` shows the same.\n")
	writeCommandReference(&b, root)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCommandReference writes the section of cmd, then its subcommands'.
func writeCommandReference(b *strings.Builder, cmd *cobra.Command) {
	if cmd.Hidden || cmd.Name() == "help" || cmd.Name() == "completion" {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n%s\n\n```text\n%s\n```\n", cmd.CommandPath(), cmd.Short, cmd.UseLine())
	if long := strings.TrimSpace(cmd.Long); long != "" && long != cmd.Short {
		fmt.Fprintf(b, "\n%s\n", long)
	}
	if cmd.Example != "" {
		fmt.Fprintf(b, "\nExamples:\n\n```sh\n%s\n```\n", strings.TrimRight(cmd.Example, "\n"))
	}
	flags := cmd.NonInheritedFlags()
	flags.VisitAll(func(f *pflag.Flag) {
		if d, ok := f.Annotations[docDefaultAnnotation]; ok && len(d) == 1 {
			f.DefValue = d[0]
		}
	})
	if usages := strings.TrimRight(flags.FlagUsages(), "\n"); usages != "" {
		fmt.Fprintf(b, "\nFlags:\n\n```text\n%s\n```\n", usages)
	}
	for _, sub := range cmd.Commands() {
		writeCommandReference(b, sub)
	}
}
