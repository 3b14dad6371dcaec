// Package builderproto is the protocol between gorepro and builderd, the
// main process of a builder container (see internal/container/builderd):
// JSON lines, one Request per line on builderd's standard input, one
// Reply per line on its standard output.
//
//	→ {"ready":true}                                                  once, when builderd reads requests
//	← {"id":1,"argv":["go","build",…],"dir":"/src","env":["K=V"],"timeoutMs":600000}
//	→ {"id":1,"out":"<base64>"}                                       output, as it comes (stdout and stderr)
//	→ {"id":1,"done":true,"exit":0,"signal":0,"timedOut":false,"err":""}
//	← {"id":1,"cancel":true}                                          kills request 1's process group
//
// Both sides import these types, so they cannot drift apart. builderd is
// built from source for the builder's platform (container.BuilderdBinary
// embeds this package's files with builderd's and builds them as a module
// of their own), so the package uses the standard library only, and
// nothing newer than the go directive of that module (go 1.21).
package builderproto

// Request is one line gorepro writes: a command to run, or the
// cancellation of one that runs.
type Request struct {
	// ID names the request in its replies; gorepro numbers them from 1.
	ID int64 `json:"id"`
	// Argv is the command, run in its own process group in Dir, with the
	// container's environment plus Env (KEY=VALUE); TimeoutMs, when
	// positive, is its deadline in milliseconds, at which the group is
	// killed.
	Argv      []string `json:"argv,omitempty"`
	Dir       string   `json:"dir,omitempty"`
	Env       []string `json:"env,omitempty"`
	TimeoutMs int64    `json:"timeoutMs,omitempty"`
	// Cancel, with ID, kills the process group of request ID.
	Cancel bool `json:"cancel,omitempty"`
}

// Reply is one line builderd writes: that it is ready, output of a
// request, or its end.
type Reply struct {
	// Ready is set once, in the first line, when builderd reads requests.
	Ready bool  `json:"ready,omitempty"`
	ID    int64 `json:"id,omitempty"`
	// Out is output of request ID's program (stdout and stderr), as it
	// comes.
	Out []byte `json:"out,omitempty"`
	// Done ends request ID: Exit is its exit status (-1 when it did not
	// exit), Signal the signal that killed it, TimedOut whether that was
	// at its deadline, and Err why it could not be started or waited for.
	Done     bool   `json:"done,omitempty"`
	Exit     int    `json:"exit"`
	Signal   int    `json:"signal,omitempty"`
	TimedOut bool   `json:"timedOut,omitempty"`
	Err      string `json:"err,omitempty"`
}
