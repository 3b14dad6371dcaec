package registrytest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// ToolsetRepo is the repository PushToolset fills by default: real Go
// toolchain images shaped like Red Hat's ubi9/go-toolset.
const ToolsetRepo = "gorepro-test/ubi9/go-toolset"

// ToolsetBuild is one build of a Go toolchain image: a GOROOT, installed
// at /usr/local/go, and the vendor's release number.
type ToolsetBuild struct {
	// GOROOT is the Go tree the image holds; its VERSION file names the
	// Go version.
	GOROOT string
	// Release is the vendor's build number: the image is tagged
	// <version>-<release> and labelled release=<release>.
	Release string
	// Created is the image's created time.
	Created time.Time
	// Tags are more tags for the build, such as "latest".
	Tags []string
}

// Toolset is what PushToolset pushed.
type Toolset struct {
	// Repo is the repository, "127.0.0.1:PORT/gorepro-test/ubi9/go-toolset".
	Repo string
	// GoVersion is the builds' Go version, "go1.26.8".
	GoVersion string
	// Tags are the builds' <version>-<release> tags, in the order given,
	// and Digests their manifest digests ("sha256:…").
	Tags    []string
	Digests []string
}

// PushToolset pushes real Go toolchain images to repo (a repository path
// such as ToolsetRepo) of the registry: one image per build, each a Go
// builder like scripts/build-test-images.sh makes (the GOROOT at
// /usr/local/go without test/, api/, doc/ and other platforms' tools,
// /etc/passwd, /etc/group, /root and /tmp; PATH=/usr/local/go/bin:…), with
// go-toolset's env (GO_MAJOR_VERSION, …) and labels (version, release), so
// that `gorepro images` reads their Go version without pulling.
//
// Every build has one Go version, and builds after the first are the
// first's layer plus one layer of the files where their GOROOT differs
// from the first's (for the injected GOROOT of package crashfixture: one
// file), so the registry and the engine store the Go tree once. The layers
// are reproducible: pushing the same builds again gives the same digests
// and image IDs, so an engine keeps what it pulled and built before.
func (r *Registry) PushToolset(ctx context.Context, repo string, builds []ToolsetBuild) (*Toolset, error) {
	if !strings.HasPrefix(r.Host, "127.0.0.1:") {
		return nil, fmt.Errorf("registrytest pushes only to 127.0.0.1, not %s", r.Host)
	}
	if len(builds) == 0 {
		return nil, fmt.Errorf("PushToolset: no builds")
	}
	goVersion, err := gorootVersion(builds[0].GOROOT)
	if err != nil {
		return nil, err
	}
	opts := r.remoteOptions(ctx)
	base, err := gorootLayer(builds[0].GOROOT, "")
	if err != nil {
		return nil, err
	}
	ts := &Toolset{Repo: r.Host + "/" + repo, GoVersion: goVersion}
	for _, b := range builds {
		v, err := gorootVersion(b.GOROOT)
		if err != nil {
			return nil, err
		}
		if v != goVersion {
			return nil, fmt.Errorf("PushToolset: %s is %s, not %s like the first build", b.GOROOT, v, goVersion)
		}
		img, err := toolsetImage(base, builds[0].GOROOT, b, goVersion)
		if err != nil {
			return nil, fmt.Errorf("image of %s: %w", b.GOROOT, err)
		}
		tag := strings.TrimPrefix(goVersion, "go") + "-" + b.Release
		digest, err := r.pushTagged(ts.Repo, img, append([]string{tag}, b.Tags...), opts)
		if err != nil {
			return nil, err
		}
		ts.Tags = append(ts.Tags, tag)
		ts.Digests = append(ts.Digests, digest)
	}
	return ts, nil
}

// PushUpstream pushes a real Go toolchain image shaped like Docker's
// golang (env GOLANG_VERSION, tags <version> and <version>-bookworm) of
// goroot to repo of the registry: the upstream build to compare a
// vendor's builds of the same Go version with. Its Go tree is the same
// reproducible layer as PushToolset's first build of that GOROOT.
func (r *Registry) PushUpstream(ctx context.Context, repo, goroot string, created time.Time) (*Toolset, error) {
	if !strings.HasPrefix(r.Host, "127.0.0.1:") {
		return nil, fmt.Errorf("registrytest pushes only to 127.0.0.1, not %s", r.Host)
	}
	goVersion, err := gorootVersion(goroot)
	if err != nil {
		return nil, err
	}
	layer, err := gorootLayer(goroot, "")
	if err != nil {
		return nil, err
	}
	img, cf, err := testImage([]v1.Layer{layer}, runtime.GOARCH, created)
	if err != nil {
		return nil, err
	}
	ver := strings.TrimPrefix(goVersion, "go")
	cf.Config.Env = append(cf.Config.Env, "GOLANG_VERSION="+ver, "GOTOOLCHAIN=local")
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	ts := &Toolset{Repo: r.Host + "/" + repo, GoVersion: goVersion, Tags: []string{ver + "-bookworm"}}
	digest, err := r.pushTagged(ts.Repo, img, []string{ver + "-bookworm", ver}, r.remoteOptions(ctx))
	if err != nil {
		return nil, err
	}
	ts.Digests = []string{digest}
	return ts, nil
}

// pushTagged pushes img to repo under every tag and returns its digest.
func (r *Registry) pushTagged(repo string, img v1.Image, tags []string, opts []remote.Option) (string, error) {
	for _, tag := range tags {
		ref, err := name.ParseReference(repo+":"+tag, name.Insecure)
		if err != nil {
			return "", err
		}
		if err := remote.Write(ref, img, opts...); err != nil {
			return "", fmt.Errorf("pushing %s: %w", ref, err)
		}
	}
	d, err := img.Digest()
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// MoveTag points tag of repo (a full repository, as Toolset.Repo) at the
// image digest names, as a vendor does when it publishes a new build.
func (r *Registry) MoveTag(ctx context.Context, repo, tag, digest string) error {
	if !strings.HasPrefix(repo, "127.0.0.1:") {
		return fmt.Errorf("registrytest tags only on 127.0.0.1, not %s", repo)
	}
	opts := r.remoteOptions(ctx)
	src, err := name.ParseReference(repo+"@"+digest, name.Insecure)
	if err != nil {
		return err
	}
	desc, err := remote.Get(src, opts...)
	if err != nil {
		return fmt.Errorf("moving %s:%s: %w", repo, tag, err)
	}
	dst, err := name.NewTag(repo+":"+tag, name.Insecure)
	if err != nil {
		return err
	}
	return remote.Tag(dst, desc, opts...)
}

// toolsetImage is build b's image: the base layer (of the first build's
// GOROOT, base), a layer of b's own files when its GOROOT is another, and
// go-toolset's config.
func toolsetImage(base v1.Layer, baseGOROOT string, b ToolsetBuild, goVersion string) (v1.Image, error) {
	layers := []v1.Layer{base}
	if b.GOROOT != baseGOROOT {
		diff, err := gorootLayer(b.GOROOT, baseGOROOT)
		if err != nil {
			return nil, err
		}
		layers = append(layers, diff)
	}
	img, cf, err := testImage(layers, runtime.GOARCH, b.Created)
	if err != nil {
		return nil, err
	}
	vendorConfig(&cf.Config, strings.TrimPrefix(goVersion, "go"), b.Release)
	return mutate.ConfigFile(img, cf)
}

// vendorConfig adds go-toolset's env and labels for Go version goVer
// ("1.26.8") and build release to c.
func vendorConfig(c *v1.Config, goVer, release string) {
	parts := strings.SplitN(goVer, ".", 3)
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	c.Env = append(c.Env,
		"GO_MAJOR_VERSION="+parts[0], "GO_MINOR_VERSION="+parts[1], "GO_PATCH_VERSION="+parts[2],
		"VERSION="+goVer, "CONTAINER_NAME=ubi9/go-toolset")
	c.Labels["name"] = "ubi9/go-toolset"
	c.Labels["com.redhat.component"] = "go-toolset-container"
	c.Labels["version"] = goVer
	c.Labels["release"] = release
}

// gorootVersion is the Go version of goroot's VERSION file ("go1.26.8").
func gorootVersion(goroot string) (string, error) {
	data, err := os.ReadFile(filepath.Join(goroot, "VERSION"))
	if err != nil {
		return "", fmt.Errorf("the Go version of %s: %w", goroot, err)
	}
	v, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(v), nil
}

// layerTime is every file's modification time in the layers: fixed, so
// that the layers, and the images' IDs, are the same on every push.
var layerTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// gorootLayer is a gzip layer (fast compression: the registry is on the
// loopback) holding goroot at usr/local/go. With base == "" it is a whole
// image's file system: the base files too. Otherwise it holds only the
// files of goroot that base has not, or has with other contents, under
// their parent directories.
func gorootLayer(goroot, base string) (v1.Layer, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	if err := writeGOROOT(tw, goroot, base); err != nil {
		return nil, fmt.Errorf("layer of %s: %w", goroot, err)
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
}

// writeGOROOT writes the layer's entries (see gorootLayer).
func writeGOROOT(tw *tar.Writer, goroot, base string) error {
	dirs := map[string]bool{}
	dir := func(name string, mode int64) error {
		if dirs[name] {
			return nil
		}
		dirs[name] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, ModTime: layerTime, Format: tar.FormatPAX})
	}
	// parents writes the directories above name that were not written.
	parents := func(name string) error {
		parts := strings.Split(name, "/")
		for i := 1; i < len(parts); i++ {
			if err := dir(strings.Join(parts[:i], "/"), 0o755); err != nil {
				return err
			}
		}
		return nil
	}
	if base == "" {
		if err := writeBaseFiles(tw, dir); err != nil {
			return err
		}
	}
	excluded := excludedFromImage(goroot)
	return filepath.WalkDir(goroot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(goroot, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if excluded[rel] {
			return fs.SkipDir
		}
		name := path.Join("usr/local/go", rel)
		if rel == "." {
			name = "usr/local/go"
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if base != "" && !d.IsDir() {
			same, err := sameFile(p, filepath.Join(base, filepath.FromSlash(rel)), info)
			if err != nil || same {
				return err
			}
		}
		if base != "" && d.IsDir() {
			return nil // only the parents of changed files
		}
		if err := parents(name); err != nil {
			return err
		}
		return writeEntry(tw, p, name, info, dir)
	})
}

// writeEntry writes one file system entry of p as name.
func writeEntry(tw *tar.Writer, p, name string, info fs.FileInfo, dir func(string, int64) error) error {
	mode := int64(info.Mode().Perm())
	switch {
	case info.IsDir():
		return dir(name, mode)
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: layerTime, Format: tar.FormatPAX})
	case info.Mode().IsRegular():
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: info.Size(), Mode: mode, ModTime: layerTime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	}
	return nil // sockets, devices: none in a GOROOT
}

// writeBaseFiles writes what every test image has besides Go (as
// scripts/build-test-images.sh): /etc/passwd, /etc/group, /root, /tmp.
func writeBaseFiles(tw *tar.Writer, dir func(string, int64) error) error {
	for _, d := range []struct {
		name string
		mode int64
	}{{"etc", 0o755}, {"root", 0o700}, {"tmp", 0o1777}, {"usr", 0o755}, {"usr/local", 0o755}} {
		if err := dir(d.name, d.mode); err != nil {
			return err
		}
	}
	files := []struct{ name, data string }{
		{"etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"},
		{"etc/group", "root:x:0:\nnogroup:x:65534:\n"},
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Size: int64(len(f.data)), Mode: 0o644, ModTime: layerTime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		if _, err := io.WriteString(tw, f.data); err != nil {
			return err
		}
	}
	return nil
}

// excludedFromImage are the GOROOT directories an image leaves out (as
// scripts/build-test-images.sh): test, api, doc and the tool directories
// of other platforms than this host's, which the image is for.
func excludedFromImage(goroot string) map[string]bool {
	ex := map[string]bool{"test": true, "api": true, "doc": true}
	tools, _ := os.ReadDir(filepath.Join(goroot, "pkg", "tool"))
	for _, t := range tools {
		if t.Name() != runtime.GOOS+"_"+runtime.GOARCH {
			ex["pkg/tool/"+t.Name()] = true
		}
	}
	return ex
}

// sameFile reports whether file p (with info) has the same contents as
// other: the same file (a hard link), or the same bytes.
func sameFile(p, other string, info fs.FileInfo) (bool, error) {
	oinfo, err := os.Lstat(other)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if os.SameFile(info, oinfo) {
		return true, nil
	}
	if info.Mode() != oinfo.Mode() || info.Size() != oinfo.Size() {
		return false, nil
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		a, _ := os.Readlink(p)
		b, _ := os.Readlink(other)
		return a == b, nil
	}
	a, err := os.ReadFile(p)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(other)
	if err != nil {
		return false, err
	}
	return bytes.Equal(a, b), nil
}
