// Package images lists the Go toolchain images of registry repositories
// for `gorepro images`: which tags a repository has, which image each tag
// names (its digest: identical digests under several tags are one image
// with several names), the platforms of that image (from its index, or its
// config for a single-platform image), when it was created, and its Go
// version — read from the image config, never by pulling layers:
//
//   - env GOLANG_VERSION (Docker's golang images): "1.26.8" → go1.26.8;
//   - env GO_MAJOR_VERSION, GO_MINOR_VERSION and GO_PATCH_VERSION (Red Hat's
//     go-toolset images, built from sclorg/golang-container), else its
//     label "version" when its label "com.redhat.component" is
//     go-toolset-container;
//   - otherwise the version is unknown until the image is pulled and asked
//     (`go env GOVERSION`).
//
// A multi-platform image is read through its linux/amd64 entry when it has
// one, else its first. List's filters: a Go version range (Constraint,
// e.g. ">=1.24,<1.26", compared with go/version), a platform, and by
// default only the newest build (by created time) of each Go version of
// each repository; Options.AllBuilds keeps every build.
//
// Credentials are the container engine's own, through go-containerregistry's
// default keychain: Docker's config.json ($DOCKER_CONFIG), Podman's
// auth.json ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers). Registries are
// reached over HTTPS; plain HTTP only for the registries named in
// Options.Insecure (and, as go-containerregistry does, as a fallback for
// loopback and private addresses). A failure to reach a repository is a
// *RegistryError saying which of not found, unauthorized, rate limited or
// unreachable it was; a bad option is an *OptionError. Transient answers
// (429, 5xx) are retried twice, over about 4 s, as go-containerregistry does
// by default, before they are reported.
//
// Toolchains turns listed images into toolchains.json entries pinned by
// digest (repo:tag@sha256:…), with expectGo when the Go version is known.
//
// SortBuilds orders a repository's images as the history of its builds,
// oldest first — Go version, then created time, then the vendor's release
// number (Image.Release: the <release> of a <version>-<release> tag, such
// as go-toolset's 1.26.8-2), then tag — for `gorepro bisect --axis
// image`.
package images
