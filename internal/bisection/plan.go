package bisection

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gorepro/gorepro/bisect"
	"github.com/gorepro/gorepro/internal/config"
	"github.com/gorepro/gorepro/internal/gitrepo"
	"github.com/gorepro/gorepro/internal/record"
	"github.com/gorepro/gorepro/repro"
)

// The kinds of axis a bisection can search.
const (
	AxisProtobuf  = "protobuf"
	AxisModule    = "module"
	AxisGo        = "go"
	AxisToolchain = "toolchain"
	AxisCommit    = "commit"
	AxisGoCommit  = "go-commit"
	AxisImage     = "image"
)

// Axis is a parsed --axis.
type Axis struct {
	// Name is the axis as given ("module:golang.org/x/net"), Kind one of
	// the Axis constants, Module the module path of the protobuf and
	// module axes.
	Name, Kind, Module string
}

// ParseAxis parses an axis: protobuf, module:PATH, go, toolchain, commit,
// go-commit or image.
func ParseAxis(s string) (Axis, error) {
	switch {
	case s == AxisProtobuf:
		return Axis{Name: s, Kind: AxisProtobuf, Module: repro.ProtobufModule}, nil
	case s == AxisGo, s == AxisToolchain, s == AxisCommit, s == AxisGoCommit, s == AxisImage:
		return Axis{Name: s, Kind: s}, nil
	case strings.HasPrefix(s, "module:"):
		path := strings.TrimPrefix(s, "module:")
		if path == "" || strings.ContainsAny(path, " @") {
			return Axis{}, optionError("--axis: %q is not a module path (write module:golang.org/x/net)", s)
		}
		if path == repro.ProtobufModule {
			return Axis{Name: AxisProtobuf, Kind: AxisProtobuf, Module: path}, nil
		}
		return Axis{Name: s, Kind: AxisModule, Module: path}, nil
	case s == "":
		return Axis{}, optionError("--axis is required (valid: protobuf, module:PATH, go, toolchain, commit, go-commit, image)")
	}
	return Axis{}, optionError("--axis: unknown axis %q (valid: protobuf, module:PATH, go, toolchain, commit, go-commit, image)", s)
}

// Options say what to bisect: the axis and its range, what is bad, and
// the config with its held axes.
type Options struct {
	// Config is the path of the matrix definition.
	Config string
	// Axis is protobuf, module:PATH, go, toolchain or commit.
	Axis string
	// From and To cut the candidates (either may be empty: the first, the
	// last); Versions are the candidates instead of those listed.
	From, To string
	Versions []string
	// Prerelease keeps pre-release versions among the listed candidates.
	Prerelease bool
	// FirstParent keeps the commit axis to the first-parent chain.
	FirstParent bool
	// GoRepo (a local path or a URL), Bootstrap and Full are the Go
	// repository, the GOROOT_BOOTSTRAP and "full builds only" of the
	// go-commit axis; CacheDir is where its toolchains are built.
	GoRepo, Bootstrap, CacheDir string
	Full                        bool
	// Images are the repositories of the image axis (--image); ListImages
	// lists their images (nil: images.List, from the registry).
	Images     []string
	ListImages ImageLister
	// Insecure are the registries (host[:port]) reached over plain HTTP
	// (--insecure): to list the images, as images.Options.Insecure, and
	// to pull them (matrix.Engines.Insecure).
	Insecure []string
	// BadIf and BadThreshold say what is bad, as ParseBadIf and
	// ParseBadThreshold read them.
	BadIf, BadThreshold string
	// Held holds the other axes at one value each.
	Held Held
	// Runs, Timeout, Engine and Pull override the config's when set.
	Runs         int
	Timeout      time.Duration
	Engine, Pull string
}

// Held are the values of the axes a bisection holds; an empty one means
// the config's first.
type Held struct {
	Toolchain, Target, Protobuf, Cover, Arch string
}

// Plan is a checked bisection: the axis, what is bad, the config with
// every other axis held at one value, and the candidates.
type Plan struct {
	Axis      Axis
	Pred      bisect.Predicate
	Threshold bisect.Threshold
	// Config holds one value of every axis; Toolchains are all the
	// configured toolchains, among which the toolchain axis's candidates
	// are looked up.
	Config     *config.Config
	Toolchains []config.Toolchain
	Candidates []string
	// Repo and Commits are set on the commit axis: the target's
	// repository and each candidate (a short hash) as a commit.
	Repo    *gitrepo.Repo
	Commits map[string]gitrepo.Commit
	// GoSource is set on the go-commit axis: the Go repository whose
	// commits (also in Commits) are the candidates, and how to build them.
	GoSource *GoSourcePlan
	// Images is set on the image axis: the repository whose images are
	// the candidates.
	Images *ImagePlan
}

// NewPlan checks the options and the config and lists the candidates,
// through versions when the options do not give them.
func NewPlan(ctx context.Context, opts Options, versions Versions) (*Plan, error) {
	ax, err := ParseAxis(opts.Axis)
	if err != nil {
		return nil, err
	}
	pred, err := ParseBadIf(opts.BadIf)
	if err != nil {
		return nil, &OptionError{Err: err}
	}
	cfg, err := config.Load(opts.Config)
	if err != nil {
		return nil, err
	}
	over, err := overrides(ax, opts)
	if err != nil {
		return nil, err
	}
	if err := cfg.Apply(over); err != nil {
		return nil, err
	}
	threshold, err := ParseBadThreshold(opts.BadThreshold, cfg.Runs)
	if err != nil {
		return nil, &OptionError{Err: err}
	}
	// Hold every axis at its first value.
	toolchains := cfg.Toolchains
	cfg.Toolchains, cfg.Targets, cfg.Protobuf = cfg.Toolchains[:1], cfg.Targets[:1], cfg.Protobuf[:1]
	cfg.Cover, cfg.Arch = cfg.Cover[:1], cfg.Arch[:1]
	target := cfg.Targets[0]
	if ax.Kind == AxisModule && target.Kind != config.TargetPackage {
		return nil, optionError("--axis %s: target %q is kind %s; module versions can only be changed in a package target", ax.Name, target.Name, target.Kind)
	}
	if ax.Kind == AxisProtobuf && target.Kind == config.TargetDockerfile {
		return nil, optionError("--axis protobuf: target %q is a Dockerfile target, whose modules the Dockerfile decides", target.Name)
	}
	plan := &Plan{Axis: ax, Pred: pred, Threshold: threshold, Config: cfg, Toolchains: toolchains}
	if ax.Kind == AxisCommit {
		if err := plan.listCommits(ctx, opts); err != nil {
			return nil, err
		}
		return plan, nil
	}
	if ax.Kind == AxisGoCommit {
		if err := plan.listGoCommits(ctx, opts); err != nil {
			return nil, err
		}
		return plan, nil
	}
	if ax.Kind == AxisImage {
		if err := plan.listImages(ctx, opts); err != nil {
			return nil, err
		}
		return plan, nil
	}
	if len(opts.Images) > 0 {
		return nil, optionError("--image applies to --axis image only (the axis is %s)", ax.Name)
	}
	if len(opts.Insecure) > 0 {
		return nil, optionError("--insecure applies to --axis image only (the axis is %s): the registries whose images it lists and pulls", ax.Name)
	}
	if plan.Candidates, err = ListCandidates(ctx, ax, toolchains, opts, versions); err != nil {
		return nil, err
	}
	return plan, nil
}

// overrides turns the held axes into config overrides: one value each,
// and never the bisected axis.
func overrides(ax Axis, opts Options) (config.Overrides, error) {
	h := opts.Held
	for flag, v := range map[string]string{"toolchain": h.Toolchain, "target": h.Target, "protobuf": h.Protobuf, "cover": h.Cover, "arch": h.Arch} {
		if strings.Contains(v, ",") {
			return config.Overrides{}, optionError("--%s: bisect holds one value, got %q", flag, v)
		}
	}
	for _, held := range []struct{ axis, flag, value string }{
		{AxisToolchain, "--toolchain", h.Toolchain}, {AxisGo, "--toolchain", h.Toolchain},
		{AxisProtobuf, "--protobuf", h.Protobuf},
	} {
		if ax.Kind == held.axis && held.value != "" {
			return config.Overrides{}, optionError("%s: --axis %s bisects that axis, so it cannot also be held; choose its candidates with --from, --to or --versions", held.flag, ax.Name)
		}
	}
	toolchains := nonEmpty(h.Toolchain)
	if ax.Kind == AxisGoCommit {
		// There --toolchain names where the probes run, not a toolchain
		// to hold (listGoCommits).
		toolchains = nil
	}
	return config.Overrides{
		Runs: opts.Runs, Timeout: opts.Timeout, Engine: opts.Engine, Pull: opts.Pull,
		Toolchains: toolchains, Targets: nonEmpty(h.Target), Protobuf: nonEmpty(h.Protobuf),
		Cover: nonEmpty(h.Cover), Arch: nonEmpty(h.Arch),
	}, nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// ListCommits makes the candidates of the commit axis: the commits of the
// target module's history from from to to (any commit-ish; "" is HEAD),
// oldest first.
func (p *Plan) ListCommits(ctx context.Context, from, to string) error {
	return p.listCommits(ctx, Options{From: from, To: to})
}

// listCommits lists the commits of opts' range as the candidates.
func (p *Plan) listCommits(ctx context.Context, opts Options) error {
	target := p.Config.Targets[0]
	switch {
	case target.Kind != config.TargetPackage:
		return optionError("--axis commit: target %q is kind %s; only a package target has a history to bisect", target.Name, target.Kind)
	case len(opts.Versions) > 0:
		return &OptionError{Err: errors.New("--versions does not apply to --axis commit: give the range with --from and --to (commit-ish)")}
	case opts.From == "":
		return &OptionError{Err: errors.New("--axis commit needs --from: the good (or bad) commit to start from, any commit-ish")}
	}
	repo, err := gitrepo.Open(ctx, target.Dir)
	if err != nil {
		return optionError("--axis commit: target %q: %w", target.Name, err)
	}
	commits, err := repo.Range(ctx, opts.From, cmp.Or(opts.To, "HEAD"), opts.FirstParent)
	if err != nil {
		return optionError("--axis commit: %w", err)
	}
	if len(commits) < 2 {
		return optionError("--axis commit: %s..%s holds no commit after %s: bisect needs at least two", opts.From, cmp.Or(opts.To, "HEAD"), opts.From)
	}
	p.Repo, p.Commits = repo, map[string]gitrepo.Commit{}
	for _, c := range commits {
		v := gitrepo.Short(c.Hash)
		p.Candidates = append(p.Candidates, v)
		p.Commits[v] = c
	}
	return nil
}

// nameCommits records the commits of the boundary's sides and names the
// flipping one, with its subject and author, in the conclusion.
func (p *Plan) nameCommits(rec *record.Bisect) {
	rec.Commits = map[string]record.SourceState{}
	for side, v := range map[string]string{"before": rec.Boundary.Before, "after": rec.Boundary.After} {
		if c, ok := p.Commits[v]; ok {
			rec.Commits[side] = c.State()
		}
	}
	kind := "first bad"
	if rec.Direction == record.DirectionFix {
		kind = "first good"
	}
	if len(rec.Between) > 0 {
		rec.Conclusion += "; the flip is at " + p.DescribeCommit(rec.Boundary.After) + " or at a skipped commit before it"
		return
	}
	rec.Conclusion += "; " + kind + " commit: " + p.DescribeCommit(rec.Boundary.After)
}

// DescribeCommit is a candidate commit as the answer names it: hash,
// subject, author and date.
func (p *Plan) DescribeCommit(v string) string {
	c, ok := p.Commits[v]
	if !ok {
		return v
	}
	s := fmt.Sprintf("%s %q by %s, %s", v, c.Subject, c.Author, c.Time.Format("2006-01-02"))
	if !c.CommitTime.IsZero() && c.CommitTime.Format("2006-01-02") != c.Time.Format("2006-01-02") {
		s += ", committed " + c.CommitTime.Format("2006-01-02")
	}
	if p.GoSource != nil {
		if link := p.GoSource.reviewedOn(v); link != "" {
			s += ", Reviewed-on: " + link
		}
	}
	return s
}
