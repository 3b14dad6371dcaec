package container

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Names of what gorepro makes in an engine besides containers: the images
// built for Dockerfile targets are tagged under CellImagePrefix, the named
// volumes of the go command's caches start with VolumePrefix. Both carry
// the label gorepro=1 too.
const (
	CellImagePrefix = "localhost/gorepro-cell/"
	VolumePrefix    = "gorepro-"
)

// MadeKind says what a Made is.
type MadeKind string

// The kinds of Made.
const (
	MadeContainer MadeKind = "container"
	MadeImage     MadeKind = "image"
	MadeVolume    MadeKind = "volume"
)

// Made is a container, image or volume that gorepro made, as the engine
// lists it.
type Made struct {
	Kind MadeKind
	// Name is the container's or volume's name, or the image's first name
	// (its ID when it has none).
	Name string
	ID   string
	// Names are all the names of an image (each under CellImagePrefix).
	Names   []string
	Created time.Time
	// Size is in bytes; -1 when the engine does not say (containers,
	// volumes: see Mountpoint).
	Size int64
	// Mountpoint is a volume's directory on the engine host.
	Mountpoint string
	Labels     map[string]string
	// ReadOnly marks an image of a read-only (additional) image store,
	// which cannot be removed through this engine.
	ReadOnly bool
	// State is a container's (running, exited, created...).
	State string
}

// ListMade lists what gorepro made in the engine: the containers labelled
// gorepro=1, the images labelled gorepro=1 whose every name is under
// CellImagePrefix (an image the user built FROM one of them inherits the
// label, not the name), and the volumes labelled gorepro=1 named
// VolumePrefix*.
func (e *Engine) ListMade(ctx context.Context) ([]Made, error) {
	containers, err := e.listMadeContainers(ctx)
	if err != nil {
		return nil, err
	}
	images, err := e.listMadeImages(ctx)
	if err != nil {
		return nil, err
	}
	volumes, err := e.listMadeVolumes(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Concat(containers, images, volumes), nil
}

// RemoveMade removes m: a container at once, whatever its state; an image
// name by name and a volume without force, so that the engine refuses
// (with an *Error) to remove one a container uses.
func (e *Engine) RemoveMade(ctx context.Context, m Made) error {
	switch m.Kind {
	case MadeContainer:
		return e.RemoveContainers(ctx, m.Name)
	case MadeVolume:
		e.volumes.Delete(m.Name)
		out, err := e.query(ctx, "remove volume "+m.Name, "volume", "rm", m.Name)
		if err != nil && strings.Contains(strings.ToLower(string(out)), "no such volume") {
			return nil // gone meanwhile
		}
		return err
	case MadeImage:
		refs := m.Names
		if len(refs) == 0 {
			refs = []string{m.ID}
		}
		for _, ref := range refs {
			// RemoveImage: an image gone meanwhile is not an error.
			if err := e.RemoveImage(ctx, ref); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("remove %s: unknown kind %q", m.Name, m.Kind)
}

// StaleContainer says whether a gorepro container is left over: made by a
// gorepro process, on this host, that is no longer alive. The host is the
// gorepro.hostid label (see HostID: it survives a change of hostname, as
// on a Mac moving between networks); containers of older gorepro versions
// without it are judged by gorepro.host, the hostname. why says which
// process is gone.
func StaleContainer(m Made) (stale bool, why string) {
	if m.Kind != MadeContainer {
		return false, ""
	}
	if !onThisHost(m.Labels) {
		return false, ""
	}
	pid, err := strconv.Atoi(m.Labels[labelPID])
	if err != nil || pid <= 0 || processAlive(pid) {
		return false, ""
	}
	return true, fmt.Sprintf("gorepro process %d is gone", pid)
}

// onThisHost reports whether the labels of a gorepro container name this
// host.
func onThisHost(labels map[string]string) bool {
	if id, ok := labels[labelHostID]; ok {
		return id == HostID()
	}
	if h, ok := labels[labelHost]; ok {
		host, _ := os.Hostname()
		return h == host
	}
	return true
}

// isCellImage reports whether names (an image's tags and digests) are
// all under CellImagePrefix, and there is one.
func isCellImage(names []string) bool {
	if len(names) == 0 {
		return false
	}
	for _, n := range names {
		if !strings.HasPrefix(n, CellImagePrefix) {
			return false
		}
	}
	return true
}

// idsOf lists the IDs (or names) that a `ls -q` style command printed.
func (e *Engine) idsOf(ctx context.Context, op string, args ...string) ([]string, error) {
	out, err := e.query(ctx, op, args...)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, line := range strings.Split(string(out), "\n") {
		if line = strings.TrimSpace(line); line != "" && !engineWarning.MatchString(line) && !slices.Contains(ids, line) {
			ids = append(ids, line)
		}
	}
	return ids, nil
}

func (e *Engine) listMadeContainers(ctx context.Context) ([]Made, error) {
	ids, err := e.idsOf(ctx, "list containers", "ps", "-a", "-q", "--no-trunc", "--filter", "label="+labelGorepro+"=1")
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	out, err := e.query(ctx, "inspect containers", append([]string{"container", "inspect"}, ids...)...)
	if err != nil && !missingObject(out) {
		return nil, err
	}
	var found []struct {
		ID            string `json:"Id"`
		Name, Created string
		Config        struct{ Labels map[string]string }
		State         struct{ Status string }
	}
	if err := decodeJSON(out, &found); err != nil {
		return nil, fmt.Errorf("inspect containers: %w", err)
	}
	var list []Made
	for _, c := range found {
		list = append(list, Made{Kind: MadeContainer, Name: strings.TrimPrefix(c.Name, "/"), ID: c.ID, Created: parseTime(c.Created),
			Size: -1, Labels: c.Config.Labels, State: c.State.Status})
	}
	return list, nil
}

func (e *Engine) listMadeVolumes(ctx context.Context) ([]Made, error) {
	names, err := e.idsOf(ctx, "list volumes", "volume", "ls", "-q", "--filter", "label="+labelGorepro+"=1")
	if err != nil || len(names) == 0 {
		return nil, err
	}
	var gorepros []string
	for _, n := range names {
		if strings.HasPrefix(n, VolumePrefix) {
			gorepros = append(gorepros, n)
		}
	}
	if len(gorepros) == 0 {
		return nil, nil
	}
	out, err := e.query(ctx, "inspect volumes", append([]string{"volume", "inspect"}, gorepros...)...)
	if err != nil && !missingObject(out) {
		return nil, err
	}
	var found []struct {
		Name, Mountpoint, CreatedAt string
		Labels                      map[string]string
	}
	if err := decodeJSON(out, &found); err != nil {
		return nil, fmt.Errorf("inspect volumes: %w", err)
	}
	var list []Made
	for _, v := range found {
		list = append(list, Made{Kind: MadeVolume, Name: v.Name, ID: v.Name, Created: parseTime(v.CreatedAt), Size: -1, Mountpoint: v.Mountpoint, Labels: v.Labels})
	}
	return list, nil
}

func (e *Engine) listMadeImages(ctx context.Context) ([]Made, error) {
	if e.Name == Podman {
		return e.listMadePodmanImages(ctx)
	}
	ids, err := e.idsOf(ctx, "list images", "image", "ls", "-q", "--no-trunc", "--filter", "label="+labelGorepro+"=1")
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	out, err := e.query(ctx, "inspect images", append([]string{"image", "inspect"}, ids...)...)
	if err != nil && !missingObject(out) {
		return nil, err
	}
	var found []struct {
		ID                    string `json:"Id"`
		RepoTags, RepoDigests []string
		Created               string
		Size                  int64
		Config                struct{ Labels map[string]string }
	}
	if err := decodeJSON(out, &found); err != nil {
		return nil, fmt.Errorf("inspect images: %w", err)
	}
	var list []Made
	for _, im := range found {
		if m, ok := cellImage(im.ID, im.RepoTags, im.RepoDigests, im.Size, im.Config.Labels); ok {
			m.Created = parseTime(im.Created)
			list = append(list, m)
		}
	}
	return list, nil
}

// listMadePodmanImages uses `podman images`, which (unlike image inspect)
// says which images are in a read-only store.
func (e *Engine) listMadePodmanImages(ctx context.Context) ([]Made, error) {
	out, err := e.query(ctx, "list images", "images", "--format", "json", "--filter", "label="+labelGorepro+"=1")
	if err != nil {
		return nil, err
	}
	var found []struct {
		ID          string `json:"Id"`
		Names       []string
		RepoDigests []string
		Created     int64
		Size        int64
		Labels      map[string]string
		ReadOnly    bool
	}
	if err := decodeJSON(out, &found); err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	// One entry per tag of an image, each with all its names.
	var list []Made
	seen := map[string]bool{}
	for _, im := range found {
		if seen[im.ID] {
			continue
		}
		seen[im.ID] = true
		if m, ok := cellImage(im.ID, im.Names, im.RepoDigests, im.Size, im.Labels); ok {
			m.Created, m.ReadOnly = time.Unix(im.Created, 0), im.ReadOnly
			list = append(list, m)
		}
	}
	return list, nil
}

// cellImage is the Made of an image labelled gorepro=1, when it is a
// Dockerfile target's image (see isCellImage); a dangling one is known by
// its digests.
func cellImage(id string, tags, digests []string, size int64, labels map[string]string) (Made, bool) {
	if labels[labelGorepro] != "1" {
		return Made{}, false
	}
	tags = slices.DeleteFunc(slices.Clone(tags), func(t string) bool { return t == "<none>:<none>" })
	if !isCellImage(tags) && (len(tags) > 0 || !isCellImage(digests)) {
		return Made{}, false
	}
	m := Made{Kind: MadeImage, ID: strings.TrimPrefix(id, "sha256:"), Names: tags, Size: size, Labels: labels}
	m.Name = m.ID
	if len(tags) > 0 {
		m.Name = tags[0]
	}
	return m, true
}

// missingObject reports whether an inspect failed only because something
// listed a moment ago is gone (removed meanwhile); what it printed for the
// others is still used.
func missingObject(out []byte) bool {
	lower := strings.ToLower(string(out))
	return strings.Contains(lower, "no such") && strings.Contains(string(out), "[")
}

// parseTime reads an engine's RFC 3339 time; the zero time when it cannot.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// InUse reports whether err (from RemoveMade) is the engine refusing to
// remove an image or volume that a container uses.
func InUse(err error) bool {
	var ce *Error
	if !errors.As(err, &ce) {
		return false
	}
	lower := strings.ToLower(ce.Msg)
	return strings.Contains(lower, "in use") || strings.Contains(lower, "being used") || strings.Contains(lower, "is using")
}
