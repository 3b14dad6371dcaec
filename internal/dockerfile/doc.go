// Package dockerfile reads the FROM lines of a Dockerfile and replaces the
// images some of them name, so that a Dockerfile target can follow the
// toolchain axis without being edited: the builder image written in
//
//	FROM registry.access.redhat.com/ubi9/go-toolset:1.25 AS builder
//
// becomes the cell's builder image in a copy of the file, and the runtime
// image of the last stage the cell's runtime image.
//
// Parse reads a Dockerfile as the engines do, as far as FROM lines are
// concerned: instructions are case-insensitive; a line ending in the escape
// character (a backslash, or what a "# escape=" parser directive at the top
// of the file sets) continues on the next; comment lines and empty lines
// inside a continued instruction are skipped; here-documents of RUN, COPY
// and ADD (<<EOF … EOF, <<-EOF) are skipped, so a line of their body that
// starts with FROM is not taken for an instruction. A FROM line is
//
//	FROM [--platform=<platform>] <image> [AS <name>]
//
// with flags (any word starting with "--") before the image and AS in any
// case. Every FROM is a stage, numbered from 0; its name is the word after
// AS. ARG instructions before the first FROM declare the variables FROM
// lines may use ("ARG BUILDER=golang:1.25", then "FROM ${BUILDER}"): From.Expanded
// is the image with $NAME, ${NAME}, ${NAME:-word} and ${NAME:+word}
// replaced by those ARGs' defaults.
//
// A Selector picks the FROM lines an image replaces: by the name of the
// stage (compared without regard to case, as the engines do), or by an
// image pattern, matched against the image as written and as expanded, in
// which "*" stands for any run of characters, "/" and ":" included. A
// pattern with neither tag nor digest ("registry.access.redhat.com/ubi9/go-toolset")
// matches that repository under any tag or digest. A FROM that names an
// earlier stage ("FROM builder AS test") is not an image, and no pattern
// matches it; a stage selected by name must be built FROM an image.
//
// Substitute replaces the image word of the selected FROM lines and
// nothing else: flags, AS names, comments, continuations and every other
// byte of the file stay as they were. A FROM whose image uses a variable
// has the whole reference replaced, variable and all ("FROM ${BUILDER}"
// becomes "FROM localhost/go:1.26"), so the substitution holds whatever
// the build args say. SedScript is the same substitution as sed
// expressions on the original file, for reproduce scripts that must work
// where gorepro's copy does not exist.
package dockerfile
