package cli

import (
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/matrix"
	"github.com/gorepro/gorepro/internal/report"
	"github.com/gorepro/gorepro/internal/toolchain"
)

// ToolchainsOptions are the parsed flags of `gorepro toolchains`.
type ToolchainsOptions struct {
	ConfigPath string
	Toolchains []string
	Engine     string
	Pull       string
	JSON       bool
}

// NewCmdToolchains builds `gorepro toolchains`: what each configured
// toolchain resolves to and whether it is usable here.
func NewCmdToolchains(deps Deps, runF func(*cobra.Command, *ToolchainsOptions) error) *cobra.Command {
	opts := &ToolchainsOptions{}
	cmd := &cobra.Command{
		Use:   "toolchains",
		Short: "Show what each configured toolchain resolves to and whether it is usable here",
		Long: `Resolve every toolchain of toolchains.json: the Go version it really is, its
GOROOT, and whether it can be used on this machine (and if not, why). A
gotoolchain entry is downloaded by the go command on first use.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return runToolchains(cmd, deps, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.ConfigPath, "config", "c", "toolchains.json", "the matrix definition")
	cmd.Flags().StringSliceVar(&opts.Toolchains, "toolchain", nil, "only these toolchains (comma-separated names)")
	cmd.Flags().StringVar(&opts.Engine, "engine", "", "container engine for image toolchains: podman or docker")
	cmd.Flags().StringVar(&opts.Pull, "pull", "", "image pull policy: never, missing or always (default: the config's, else missing)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON instead of a table")
	return cmd
}

func runToolchains(cmd *cobra.Command, deps Deps, opts *ToolchainsOptions) error {
	cfg, err := config.Load(opts.ConfigPath)
	if err != nil {
		return err
	}
	if err := cfg.Apply(config.Overrides{Toolchains: opts.Toolchains, Engine: opts.Engine, Pull: opts.Pull}); err != nil {
		return err
	}
	engines := &matrix.Engines{Default: cfg.Engine, Warnings: deps.Stderr}
	resolveOpts := toolchain.Options{Engine: engines.Get, Pull: container.PullPolicy(cfg.Pull)}
	if root, err := cacheRoot("", deps); err == nil {
		// The cache the matrix uses: a gosource toolchain is built once.
		resolveOpts.CacheDir = cellCacheDir(root)
	}
	resolved := make([]*toolchain.Resolved, len(cfg.Toolchains))
	g, ctx := errgroup.WithContext(cmd.Context())
	g.SetLimit(4)
	for i, tc := range cfg.Toolchains {
		g.Go(func() error {
			resolved[i] = toolchain.Resolve(ctx, tc, resolveOpts)
			return nil
		})
	}
	_ = g.Wait()
	if opts.JSON {
		return writeJSON(deps.Stdout, struct {
			Toolchains []*toolchain.Resolved `json:"toolchains"`
		}{resolved})
	}
	return report.WriteToolchains(deps.Stdout, cfg.Toolchains, resolved)
}
