package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/images"
)

// ImagesOptions are the parsed flags of `gorepro images`.
type ImagesOptions struct {
	Repositories []string
	Go           string
	Platform     string
	AllBuilds    bool
	Insecure     []string
	JSON         bool
	Toolchains   bool
	// Write is a config file to add the toolchain entries to.
	Write string
	// Probe pulls the images whose config names no Go version and asks
	// their go command; Engine names the container engine for it.
	Probe  bool
	Engine string
}

// NewCmdImages builds `gorepro images`: the Go toolchain images of
// registry repositories, read from the registry without pulling.
func NewCmdImages(deps Deps, runF func(*cobra.Command, *ImagesOptions) error) *cobra.Command {
	opts := &ImagesOptions{}
	cmd := &cobra.Command{
		Use:   "images REPOSITORY...",
		Short: "List the Go toolchain images of registry repositories: tags, digests, platforms, Go versions",
		Long: `List the tags of each repository and, for each image (one digest, however
many tags name it): its platforms, when it was built and its Go version, read
from the registry without pulling layers: env GOLANG_VERSION (Docker's golang),
env GO_MAJOR_VERSION/GO_MINOR_VERSION/GO_PATCH_VERSION or label version (Red
Hat's go-toolset); otherwise "unknown until pulled".

By default only the newest build of each Go version of each repository is
listed; --all-builds lists every build. --toolchains prints toolchains.json
entries pinned by digest (repo:tag@sha256:…, with expectGo), one a line, to
paste into a config's "toolchains". --write FILE adds those entries to the
config FILE instead: each a line after the last toolchain, the rest of the
file as it was; an entry whose name FILE already has is kept, never replaced,
and FILE is replaced only by a valid config (what was added and kept is said
on stderr).

Credentials are the container engine's: Docker's config.json, Podman's
auth.json ($REGISTRY_AUTH_FILE). --insecure REGISTRY lets that registry, and
no other, be reached over plain HTTP: to list it, and for --probe's pulls
(Podman pulls from it with --tls-verify=false; Docker's daemon needs it in
insecure-registries of daemon.json).

Exit status: 0 listed (even nothing), 2 bad flags or repository names, 3 a
repository could not be read (not found, unauthorized, rate limited,
unreachable).`,
		Example: `  gorepro images registry.access.redhat.com/ubi9/go-toolset docker.io/library/golang --go '>=1.24,<1.26'
  gorepro images --all-builds --platform linux/arm64 docker.io/library/golang
  gorepro images --toolchains registry.access.redhat.com/ubi9/go-toolset
  gorepro images --go 1.25 --write toolchains.json registry.access.redhat.com/ubi9/go-toolset`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &UsageError{Err: fmt.Errorf("images needs at least one repository, e.g. registry.access.redhat.com/ubi9/go-toolset")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Repositories = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return runImages(cmd, deps, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Go, "go", "", "only Go versions in this range, e.g. '>=1.24,<1.26' or 1.26.8")
	f.StringVar(&opts.Platform, "platform", "", "only images that have this platform, e.g. linux/arm64")
	f.BoolVar(&opts.AllBuilds, "all-builds", false, "every build of each Go version, not only the newest")
	addInsecureFlag(f, &opts.Insecure)
	f.BoolVar(&opts.JSON, "json", false, "print JSON instead of a table")
	f.BoolVar(&opts.Toolchains, "toolchains", false, "print toolchains.json entries pinned by digest")
	f.BoolVar(&opts.Probe, "probe", false, "pull the images whose config names no Go version and ask their go command")
	f.StringVar(&opts.Engine, "engine", "", "container engine for --probe: podman or docker (default: auto-detect)")
	f.StringVar(&opts.Write, "write", "", "add the toolchains.json entries to this config file (existing names are kept)")
	cmd.MarkFlagsMutuallyExclusive("json", "toolchains", "write")
	return cmd
}

func runImages(cmd *cobra.Command, deps Deps, opts *ImagesOptions) error {
	goRange, err := images.ParseConstraint(opts.Go)
	if err != nil {
		return usageOf(err)
	}
	listOpts := images.Options{
		Repositories: opts.Repositories,
		Insecure:     opts.Insecure,
		Go:           goRange,
		Platform:     opts.Platform,
		AllBuilds:    opts.AllBuilds,
	}
	if opts.Probe {
		eng, err := container.Detect(opts.Engine)
		if err != nil {
			return fmt.Errorf("--probe: %w", err)
		}
		eng.Insecure = opts.Insecure
		listOpts.Probe = images.Prober(eng, opts.Platform)
	}
	imgs, err := images.List(cmd.Context(), listOpts)
	if err != nil {
		return usageOf(err)
	}
	for _, im := range imgs {
		if im.ProbeError != "" {
			fmt.Fprintf(deps.Stderr, "gorepro: warning: %s@%s: Go version unknown: %s\n", im.Repository, im.Digest, im.ProbeError)
		}
	}
	switch {
	case opts.Write != "":
		return writeImageToolchains(deps, opts.Write, imgs)
	case opts.JSON:
		if imgs == nil {
			imgs = []images.Image{}
		}
		return writeJSON(deps.Stdout, struct {
			Images []images.Image `json:"images"`
		}{imgs})
	case opts.Toolchains:
		return images.WriteToolchains(deps.Stdout, imgs)
	}
	return images.WriteTable(deps.Stdout, imgs)
}

// writeImageToolchains adds the pinned entries of imgs to the config at
// path and says on stderr what was added and kept.
func writeImageToolchains(deps Deps, path string, imgs []images.Image) error {
	done, err := images.AddToConfig(path, images.Toolchains(imgs))
	if err != nil {
		return &UsageError{Err: err}
	}
	if len(done.Added) > 0 {
		fmt.Fprintf(deps.Stderr, "gorepro: added %d toolchains to %s: %s\n", len(done.Added), path, strings.Join(done.Added, ", "))
	}
	if len(done.Kept) > 0 {
		fmt.Fprintf(deps.Stderr, "gorepro: kept %s as %s has them (entries of those names were not replaced)\n", strings.Join(done.Kept, ", "), path)
	}
	if len(done.Added)+len(done.Kept) == 0 {
		fmt.Fprintf(deps.Stderr, "gorepro: no image matched: nothing added to %s\n", path)
	}
	return nil
}

// addInsecureFlag adds --insecure, the registries (host[:port]) a command
// reaches over plain HTTP, for those registries only: to list their images
// (go-containerregistry) and to pull from them (Podman's
// --tls-verify=false; Docker's daemon needs them in insecure-registries).
func addInsecureFlag(f *pflag.FlagSet, registries *[]string) {
	f.StringSliceVar(registries, "insecure", nil, "registries (host[:port]) to reach over plain HTTP, for listing and for Podman's pulls (comma-separated)")
}
