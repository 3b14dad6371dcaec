package container

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/gorepro/gorepro/internal/proc"
)

// Image is an image as the engine stores it.
type Image struct {
	// Ref is the reference asked for; ID the image ID (hex, no "sha256:").
	Ref, ID string
	// RepoDigests are the image's repository digests (repo@sha256:...).
	RepoDigests []string
	// Digest is the first repository digest's "sha256:<hex>" part, or "".
	Digest string
	// OS, Arch (a GOARCH) and Variant are the image's platform.
	OS, Arch, Variant string
	// Present says whether the engine has the image locally; the other
	// fields are empty when it does not.
	Present bool
	// Pulled is set by Ensure when it pulled the image (it was absent, or
	// the policy is always).
	Pulled bool
	// Entrypoint, Cmd, Env, User, WorkingDir and Labels are the image's
	// config.
	Entrypoint, Cmd, Env []string
	User, WorkingDir     string
	Labels               map[string]string
}

// Platform returns "os/arch" or "os/arch/variant".
func (im *Image) Platform() string {
	p := im.OS + "/" + im.Arch
	if im.Variant != "" {
		p += "/" + im.Variant
	}
	return p
}

// Pinned is a reference to exactly this image, which a tag moved since
// cannot change: the repository digest of Ref's repository
// ("repo@sha256:…"), else the one Ref pins, else any of the image's
// repository digests, else (an image built or imported here, which no
// registry knows) its ID. It is what a Dockerfile's FROM is given when
// it builds on the image.
func (im *Image) Pinned() string {
	repo := repositoryOf(im.Ref)
	for _, rd := range im.RepoDigests {
		if r, _, ok := strings.Cut(rd, "@"); ok && r == repo {
			return rd
		}
	}
	if _, d, ok := strings.Cut(im.Ref, "@"); ok {
		return repo + "@" + d
	}
	for _, rd := range im.RepoDigests {
		if strings.Contains(rd, "@") {
			return rd
		}
	}
	if im.ID != "" {
		return im.ID
	}
	return im.Ref
}

// Inspect looks the image up locally. An absent image is Present=false with a
// nil error; a failing engine is an *Error.
func (e *Engine) Inspect(ctx context.Context, ref string) (*Image, error) {
	op := "inspect " + ref
	out, err := e.query(ctx, op, "image", "inspect", ref)
	if err != nil {
		var ee *Error
		if errors.As(err, &ee) && ee.Kind == ErrImageAbsent {
			return &Image{Ref: ref}, nil
		}
		return nil, err
	}
	var found []struct {
		ID           string   `json:"Id"`
		RepoDigests  []string `json:"RepoDigests"`
		Architecture string   `json:"Architecture"`
		OS           string   `json:"Os"`
		Variant      string   `json:"Variant"`
		Config       struct {
			Entrypoint []string          `json:"Entrypoint"`
			Cmd        []string          `json:"Cmd"`
			Env        []string          `json:"Env"`
			User       string            `json:"User"`
			WorkingDir string            `json:"WorkingDir"`
			Labels     map[string]string `json:"Labels"`
		} `json:"Config"`
	}
	if err := decodeJSON(out, &found); err != nil {
		return nil, fmt.Errorf("%s: reading the engine's answer: %w", op, err)
	}
	if len(found) == 0 {
		return &Image{Ref: ref}, nil
	}
	f := found[0]
	im := &Image{
		Ref: ref, ID: strings.TrimPrefix(f.ID, "sha256:"), RepoDigests: f.RepoDigests,
		OS: f.OS, Arch: GoArch(f.Architecture), Variant: f.Variant, Present: true,
		Entrypoint: f.Config.Entrypoint, Cmd: f.Config.Cmd, Env: f.Config.Env,
		User: f.Config.User, WorkingDir: f.Config.WorkingDir, Labels: f.Config.Labels,
	}
	im.Digest = repoDigest(ref, f.RepoDigests)
	return im, nil
}

// repoDigest is the registry digest ("sha256:…") of the image that ref
// names: the digest ref pins, else the one of the repository digests that
// belongs to ref's repository (an image pulled from several repositories,
// or pushed and pulled again, has several), else the first one.
func repoDigest(ref string, repoDigests []string) string {
	if _, d, ok := strings.Cut(ref, "@"); ok {
		return d
	}
	repo := repositoryOf(ref)
	first := ""
	for _, rd := range repoDigests {
		r, d, ok := strings.Cut(rd, "@")
		if !ok {
			continue
		}
		if r == repo {
			return d
		}
		if first == "" {
			first = d
		}
	}
	return first
}

// registryHost is the registry part of ref: its first path element when
// that names a host ("127.0.0.1:5000", "quay.io", "localhost"), else
// Docker Hub's "docker.io".
func registryHost(ref string) string {
	first, _, ok := strings.Cut(ref, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "docker.io"
}

// repositoryOf is ref without its tag and digest:
// "127.0.0.1:5000/ubi9/go-toolset:1.25@sha256:…" → "127.0.0.1:5000/ubi9/go-toolset".
func repositoryOf(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	slash := strings.LastIndexByte(ref, '/')
	if colon := strings.LastIndexByte(ref, ':'); colon > slash {
		ref = ref[:colon]
	}
	return ref
}

// PullPolicy says when Ensure pulls an image.
type PullPolicy string

// Pull policies.
const (
	// PullNever uses local images only.
	PullNever PullPolicy = "never"
	// PullMissing pulls an image that is not there (or not for the platform).
	PullMissing PullPolicy = "missing"
	// PullAlways pulls every time (the registry may have a newer image).
	PullAlways PullPolicy = "always"
)

// ParsePullPolicy parses "never", "missing" or "always".
func ParsePullPolicy(s string) (PullPolicy, error) {
	switch p := PullPolicy(strings.ToLower(strings.TrimSpace(s))); p {
	case PullNever, PullMissing, PullAlways:
		return p, nil
	}
	return "", fmt.Errorf("unknown pull policy %q (want never, missing or always)", s)
}

// Ensure makes the image available per policy (pulling with --platform when
// platform, "os/arch[/variant]", is not "") and returns it inspected. A local
// image of another platform than the one asked for counts as absent. Absent
// with PullNever is an *Error of kind ErrImageAbsent; a failed pull is
// classified (ErrImageAbsent, ErrRegistry, ...).
func (e *Engine) Ensure(ctx context.Context, ref string, policy PullPolicy, platform string) (*Image, error) {
	if _, err := ParsePullPolicy(string(policy)); err != nil {
		return nil, err
	}
	if policy != PullAlways {
		im, err := e.Inspect(ctx, ref)
		if err != nil {
			return nil, err
		}
		if im.Present && platformMatches(im, platform) {
			return im, nil
		}
		if policy == PullNever {
			msg := ref + ": image not known locally"
			if im.Present {
				msg = fmt.Sprintf("%s: the local image is %s, not %s", ref, im.Platform(), platform)
			}
			return nil, &Error{Kind: ErrImageAbsent, Op: "ensure " + ref, Msg: msg, Hint: strings.Replace(hintImageAbsent, "REF", ref, 1)}
		}
	}
	if err := e.Pull(ctx, ref, platform); err != nil {
		return nil, err
	}
	im, err := e.Inspect(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !im.Present {
		return nil, &Error{Kind: ErrImageAbsent, Op: "ensure " + ref, Msg: ref + ": not there after a successful pull", Hint: strings.Replace(hintImageAbsent, "REF", ref, 1)}
	}
	im.Pulled = true
	if !platformMatches(im, platform) {
		// A single-platform image is pulled whatever --platform says (the
		// engine only warns): running it would run another architecture
		// than the cell asks for, emulated or not at all.
		return nil, &Error{Kind: ErrImageAbsent, Op: "ensure " + ref,
			Msg:  fmt.Sprintf("%s has no %s image: the registry has it for %s only", ref, platform, im.Platform()),
			Hint: strings.NewReplacer("PLATFORM", platform, "HAS", im.Platform()).Replace(hintPlatformMissing)}
	}
	return im, nil
}

// Pull pulls ref (for platform when not ""). Failures are classified *Errors.
func (e *Engine) Pull(ctx context.Context, ref, platform string) error {
	args := []string{"pull"}
	if platform != "" {
		args = append(args, "--platform", platform)
	}
	if e.Name == Podman && slices.Contains(e.Insecure, registryHost(ref)) {
		args = append(args, "--tls-verify=false")
	}
	args = append(args, ref)
	op := "pull " + ref
	res, err := e.exec(ctx, proc.Cmd{Argv: e.argv(args...), Cap: queryCap})
	if err != nil {
		return e.startError(op, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if res.ExitCode != 0 {
		ce := e.classify(op, res.Output)
		ce.Hint = strings.NewReplacer("REF", ref, "REPOSITORY", repositoryOf(ref), "HOST", registryHost(ref)).Replace(ce.Hint)
		return ce
	}
	return nil
}

// platformMatches reports whether im is for platform ("" matches anything).
func platformMatches(im *Image, platform string) bool {
	if platform == "" {
		return true
	}
	parts := strings.Split(platform, "/")
	if len(parts) < 2 || parts[0] != im.OS || GoArch(parts[1]) != im.Arch {
		return false
	}
	return len(parts) < 3 || im.Variant == "" || parts[2] == im.Variant
}

// ImageCommand returns the image's configured entrypoint and command. An
// absent image is an *Error of kind ErrImageAbsent.
func (e *Engine) ImageCommand(ctx context.Context, ref string) (entrypoint, cmd []string, err error) {
	im, err := e.Inspect(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	if !im.Present {
		return nil, nil, &Error{Kind: ErrImageAbsent, Op: "inspect " + ref, Msg: ref + ": image not known", Hint: strings.Replace(hintImageAbsent, "REF", ref, 1)}
	}
	return im.Entrypoint, im.Cmd, nil
}

// RemoveImage removes the image; an absent image is not an error.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	_, err := e.query(ctx, "remove image "+ref, "image", "rm", ref)
	var ee *Error
	if errors.As(err, &ee) && ee.Kind == ErrImageAbsent {
		return nil
	}
	return err
}

// VolumeCreate creates the named volume (labelled gorepro=1) unless it
// exists.
func (e *Engine) VolumeCreate(ctx context.Context, name string) error {
	if _, known := e.volumes.Load(name); known {
		return nil
	}
	if _, err := e.query(ctx, "inspect volume "+name, "volume", "inspect", name); err == nil {
		e.volumes.Store(name, true)
		return nil
	}
	out, err := e.query(ctx, "create volume "+name, "volume", "create", "--label", labelGorepro+"=1", name)
	if err != nil && !strings.Contains(strings.ToLower(string(out)), "already exists") {
		return err
	}
	e.volumes.Store(name, true) // created, or created meanwhile
	return nil
}

// VolumeRemove removes the named volume; an absent volume is not an error.
func (e *Engine) VolumeRemove(ctx context.Context, name string) error {
	e.volumes.Delete(name)
	if out, err := e.query(ctx, "inspect volume "+name, "volume", "inspect", name); err != nil {
		if strings.Contains(strings.ToLower(string(out)), "no such volume") {
			return nil
		}
		return err
	}
	_, err := e.query(ctx, "remove volume "+name, "volume", "rm", name)
	return err
}

// maxLinkHops bounds how many symbolic links CopyFrom follows.
const maxLinkHops = 8

// CopyFrom extracts one file from an image to dest (a file path): it creates
// a container (never started, labelled like Run's), copies the file out and
// removes the container. A symbolic link in the image is followed (the
// engines copy the link itself).
func (e *Engine) CopyFrom(ctx context.Context, image, pathInImage, dest string) error {
	op := fmt.Sprintf("copy %s from %s", pathInImage, image)
	name, err := e.createStopped(ctx, op, image)
	if err != nil {
		return err
	}
	defer track(ctx, e, name)()
	defer e.removeContainer(ctx, name)
	src := pathInImage
	for hop := 0; ; hop++ {
		_ = os.Remove(dest)
		if _, err := e.query(ctx, op, "cp", name+":"+src, dest); err != nil {
			return err
		}
		fi, err := os.Lstat(dest)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return nil
		}
		if hop == maxLinkHops {
			return fmt.Errorf("%s: more than %d symbolic links", op, maxLinkHops)
		}
		target, err := os.Readlink(dest)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(src), target)
		}
		src = target
	}
}

// GOROOT returns the GOROOT of the go command in image (`go env GOROOT`
// run inside it, with no network).
func (e *Engine) GOROOT(ctx context.Context, image, platform string) (string, error) {
	res, err := e.Run(ctx, RunSpec{
		Image: image, Platform: platform, Entrypoint: "go", Args: []string{"env", "GOROOT"},
		Network: "none", Env: []string{"GOTOOLCHAIN=local"}, Timeout: queryTimeout, Cap: queryCap,
	})
	if err != nil {
		return "", err
	}
	goroot := lastLine(res.Output)
	if res.ExitCode != 0 || !path.IsAbs(goroot) {
		return "", fmt.Errorf("go env GOROOT in %s: exit %d: %s", image, res.ExitCode, firstLine(res.Output))
	}
	return goroot, nil
}

// CopyDirFrom copies the directory dirInImage of image to dest (which must
// not exist), as the engine's cp does: a container is created (never
// started) and removed afterwards.
func (e *Engine) CopyDirFrom(ctx context.Context, image, dirInImage, dest string) error {
	op := fmt.Sprintf("copy %s from %s", dirInImage, image)
	name, err := e.createStopped(ctx, op, image)
	if err != nil {
		return err
	}
	defer track(ctx, e, name)()
	defer e.removeContainer(ctx, name)
	res, err := e.exec(ctx, proc.Cmd{Argv: e.argv("cp", name+":"+dirInImage, dest), Timeout: 10 * queryTimeout, Cap: queryCap})
	if err != nil {
		return e.startError(op, err)
	}
	if res.TimedOut || res.ExitCode != 0 {
		return e.classify(op, res.Output)
	}
	return nil
}

// createStopped creates a container of image that is never started, to
// copy files out of, labelled like Run's; the caller removes it.
func (e *Engine) createStopped(ctx context.Context, op, image string) (string, error) {
	name, err := newName()
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	args := []string{"create", "--pull=never", "--name", name}
	args = append(args, e.internalLabels()...)
	args = append(args, image, "gorepro-copy-only")
	if _, err := e.query(ctx, op, args...); err != nil {
		e.removeContainer(ctx, name)
		return "", err
	}
	return name, nil
}
