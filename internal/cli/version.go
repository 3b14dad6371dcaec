package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// NewCmdVersion builds `gorepro version`.
func NewCmdVersion(deps Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print gorepro's version and the Go it was built with",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(deps.Stdout, "gorepro %s (%s %s/%s)\n", deps.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
