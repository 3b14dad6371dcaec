package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gorepro/gorepro/internal/cleanup"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/container"
	"github.com/gorepro/gorepro/internal/matrix"
)

// CleanOptions are the parsed flags of `gorepro clean`.
type CleanOptions struct {
	CacheDir  string
	Engine    string
	DryRun    bool
	OlderThan string

	olderThan time.Duration
	// detect finds the engine (container.Detect when nil): a seam for
	// the unit tests of the command.
	detect func(string) (*container.Engine, error)
}

// NewCmdClean builds `gorepro clean`, which removes what gorepro made.
func NewCmdClean(deps Deps, runF func(*cobra.Command, *CleanOptions) error) *cobra.Command {
	opts := &CleanOptions{}
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove what gorepro made: stale containers, Dockerfile-target images, cache volumes, the work and cell cache",
		Long: `Remove what gorepro made and nothing else: containers labelled gorepro=1 whose
gorepro process is gone from this host, the images of Dockerfile targets
(labelled gorepro=1 and named localhost/gorepro-cell/*), the volumes of the go
command's caches in builder images (labelled gorepro=1, gorepro-gomodcache and
gorepro-gocache-*), and the entries of the cache directory (--cache-dir, else
$GOREPRO_CACHE, else the user cache dir + /gorepro): work/, cells/ and
harness/. Results directories (--out of matrix) are never touched.

It lists what it removes on stdout and ends with how much it freed; --dry-run
lists what would go and how much it would free, and removes nothing.
--older-than keeps what was made more recently (a duration: 36h, 7d, 2w).
An image or volume that a container uses is kept (the engine refuses),
and said so on stderr.

A gorepro run holds its cache directory while it runs; clean refuses (exit 3)
while one does, and a run started during clean waits for it.`,
		Example: `  gorepro clean --dry-run
  gorepro clean --older-than 7d`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return runClean(cmd.Context(), deps, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.CacheDir, "cache-dir", "", "work and result cache directory (default $GOREPRO_CACHE or the user cache dir + /gorepro)")
	f.StringVar(&opts.Engine, "engine", "", "container engine to clean: podman or docker (default: podman, else docker)")
	f.BoolVarP(&opts.DryRun, "dry-run", "n", false, "list what would be removed and how much it would free; remove nothing")
	f.StringVar(&opts.OlderThan, "older-than", "", "only what was made longer ago than this (36h, 7d, 2w)")
	return cmd
}

func (o *CleanOptions) validate() error {
	if o.OlderThan != "" {
		d, err := parseAge(o.OlderThan)
		if err != nil {
			return &config.FlagError{Flag: "--older-than", Msg: err.Error()}
		}
		o.olderThan = d
	}
	switch o.Engine {
	case "", container.Podman, container.Docker:
	default:
		return &config.FlagError{Flag: "--engine", Msg: fmt.Sprintf("unknown engine %q (valid: podman, docker)", o.Engine)}
	}
	return nil
}

// parseAge reads a positive Go duration, or a whole number of days (7d)
// or weeks (2w).
func parseAge(s string) (time.Duration, error) {
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	var d time.Duration
	if unit != 0 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration (valid: 36h, 90m, 7d, 2w)", s)
		}
		d = time.Duration(n) * unit
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration (valid: 36h, 90m, 7d, 2w)", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: must be positive", s)
	}
	return d, nil
}

func runClean(ctx context.Context, deps Deps, opts *CleanOptions) error {
	if err := opts.validate(); err != nil {
		return err
	}
	root, err := cacheRoot(opts.CacheDir, deps)
	if err != nil {
		return err
	}
	o := cleanup.Options{Root: root, Engine: cleanEngine(ctx, deps.Stderr, opts), OlderThan: opts.olderThan}
	if opts.DryRun {
		items, err := cleanup.Plan(ctx, o)
		if err != nil {
			return err
		}
		if busy, _ := cleanup.Busy(root); busy {
			fmt.Fprintf(deps.Stderr, "gorepro: a gorepro run is using the cache %s now: clean would refuse until it has finished\n", root)
		}
		return writeCleaned(deps.Stdout, items, "would free")
	}
	res, err := cleanup.Clean(ctx, o)
	if res != nil {
		for _, k := range res.Kept {
			fmt.Fprintf(deps.Stderr, "gorepro: kept %s %s: %s\n", k.Kind, k.Name, k.Reason)
		}
		if werr := writeCleaned(deps.Stdout, res.Removed, "freed"); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

// cleanEngine is the engine whose containers, images and volumes clean
// removes (falling back to Docker as runs do), or nil, said on stderr,
// when there is none that answers: the cache is cleaned all the same.
func cleanEngine(ctx context.Context, stderr io.Writer, opts *CleanOptions) *container.Engine {
	es := &matrix.Engines{Default: opts.Engine, Warnings: stderr, Detect: opts.detect, KeepStale: true}
	eng, _, err := es.Get(ctx, "")
	var ce *container.Error
	switch {
	case err == nil:
		return eng
	case errors.As(err, &ce) && ce.Kind == container.ErrEngineMissing && opts.Engine == "":
		fmt.Fprintln(stderr, "gorepro: no container engine here: cleaning the cache directory only")
	default:
		fmt.Fprintf(stderr, "gorepro: warning: its containers, images and volumes were not cleaned: %v\n", err)
	}
	return nil
}

// writeCleaned prints one line per item and the total: "freed" or "would
// free" N bytes.
func writeCleaned(w io.Writer, items []cleanup.Item, verb string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(items) > 0 {
		fmt.Fprintln(tw, "KIND\tNAME\tSIZE\tAGE\tNOTE")
	}
	now := time.Now()
	counts := map[cleanup.Kind]int{}
	for _, it := range items {
		counts[it.Kind]++
		size := "-"
		if it.Size >= 0 {
			size = humanBytes(it.Size)
		}
		age := "-"
		if !it.Made.IsZero() {
			age = humanAge(now.Sub(it.Made))
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s", it.Kind, it.Name, size, age)
		if it.Why != "" {
			line += "\t" + it.Why
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, k := range []cleanup.Kind{cleanup.Container, cleanup.Image, cleanup.Volume, cleanup.Cache} {
		if n := counts[k]; n > 0 {
			parts = append(parts, plural(n, string(k)))
		}
	}
	what := "nothing to remove"
	if len(parts) > 0 {
		what = strings.Join(parts, ", ")
	}
	_, err := fmt.Fprintf(w, "%s %s (%s)\n", verb, humanBytes(cleanup.Freed(items)), what)
	return err
}

// plural is "1 image", "2 images", "3 cache entries".
func plural(n int, noun string) string {
	if noun == string(cleanup.Cache) {
		noun = "cache entry"
		if n != 1 {
			noun = "cache entries"
		}
		return fmt.Sprintf("%d %s", n, noun)
	}
	if n != 1 {
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}

// humanBytes is n in B, kB, MB or GB (powers of 1000, one decimal).
func humanBytes(n int64) string {
	const k = 1000
	switch {
	case n < k:
		return fmt.Sprintf("%d B", n)
	case n < k*k:
		return fmt.Sprintf("%.1f kB", float64(n)/k)
	case n < k*k*k:
		return fmt.Sprintf("%.1f MB", float64(n)/(k*k))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(k*k*k))
}

// humanAge is d in the largest whole unit: 45s, 12m, 5h, 3d.
func humanAge(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
