package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/buildinfo"
)

// NewCmdVersion builds `gorepro version`.
func NewCmdVersion(deps Deps) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print gorepro's version, the commit it was built from and the Go it was built with",
		Long: `Print gorepro's module version, the VCS revision, commit time and dirtiness it
was built from (builds from a checkout; a go install'ed release's version names
it), the Go version that built it and the platform. --json prints the same as an
object, for bug reports and scripts.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := buildinfo.Read()
			if !asJSON {
				_, err := fmt.Fprintln(deps.Stdout, info)
				return err
			}
			enc := json.NewEncoder(deps.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(info)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the build info as JSON")
	return cmd
}
