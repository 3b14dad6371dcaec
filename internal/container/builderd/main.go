// Command builderd is the main process of a gorepro builder container: one
// container per builder image, platform and set of mounts, kept for a whole
// matrix run, in which the go builds of the run's cells run one after the
// other (or side by side) without starting a container each.
//
// gorepro does not install it: it embeds this file and package
// builderproto's, builds them with the host's go command for the
// builder's platform (static, CGO_ENABLED=0; see container.BuilderdBinary) and
// mounts the binary into the container, which needs nothing of its own
// but the go command. builderd speaks JSON lines on its standard input and
// output, which the engine client (`podman run -i`, attached) relays: the
// Request and Reply types of package builderproto, which gorepro's side
// (internal/container) uses too.
//
// The program of a request runs in its own process group with the
// container's environment plus env, and is killed (the whole group) at its
// deadline or when cancelled. "err" says that it could not be started.
//
// End of file on standard input — gorepro closed it, or gorepro died and
// the kernel closed it — or SIGTERM/SIGINT kills every running group and
// ends builderd, and with it the container (run with --rm): a killed
// gorepro leaves no builder behind.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/gorepro/gorepro/internal/container/builderproto"
)

// server runs requests and writes their replies, one line at a time.
type server struct {
	mu      sync.Mutex
	enc     *json.Encoder
	running map[int64]*exec.Cmd
}

func (s *server) send(r builderproto.Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.enc.Encode(r)
}

// output sends what request id's program writes.
type output struct {
	s  *server
	id int64
}

func (o output) Write(p []byte) (int, error) {
	o.s.send(builderproto.Reply{ID: o.id, Out: append([]byte(nil), p...)})
	return len(p), nil
}

// kill kills the process group of request id, if it runs.
func (s *server) kill(id int64) {
	s.mu.Lock()
	cmd := s.running[id]
	s.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// killAll kills every running process group.
func (s *server) killAll() {
	s.mu.Lock()
	var ids []int64
	for id := range s.running {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.kill(id)
	}
}

// run runs one request and sends its replies.
func (s *server) run(req builderproto.Request) {
	done := builderproto.Reply{ID: req.ID, Done: true, Exit: -1}
	if len(req.Argv) == 0 {
		done.Err = "no command"
		s.send(done)
		return
	}
	cmd := exec.Command(req.Argv[0], req.Argv[1:]...)
	cmd.Dir = req.Dir
	cmd.Env = append(os.Environ(), req.Env...)
	cmd.Stdout = output{s: s, id: req.ID}
	cmd.Stderr = cmd.Stdout
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s.mu.Lock()
	err := cmd.Start()
	if err == nil {
		s.running[req.ID] = cmd
	}
	s.mu.Unlock()
	if err != nil {
		done.Err = err.Error()
		s.send(done)
		return
	}
	var timer *time.Timer
	var timedOut sync.Once
	expired := false
	if req.TimeoutMs > 0 {
		timer = time.AfterFunc(time.Duration(req.TimeoutMs)*time.Millisecond, func() {
			timedOut.Do(func() { expired = true })
			s.kill(req.ID)
		})
	}
	waitErr := cmd.Wait()
	if timer != nil {
		timer.Stop()
	}
	timedOut.Do(func() {}) // expired is final from here on
	s.mu.Lock()
	delete(s.running, req.ID)
	s.mu.Unlock()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // what the program left in its group
	done.TimedOut = expired
	var ee *exec.ExitError
	switch {
	case waitErr == nil:
		done.Exit = 0
	case errors.As(waitErr, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			done.Signal = int(ws.Signal())
		} else {
			done.Exit = ee.ExitCode()
		}
	default:
		done.Err = waitErr.Error()
	}
	s.send(done)
}

func main() {
	s := &server{enc: json.NewEncoder(os.Stdout), running: map[int64]*exec.Cmd{}}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sigs
		s.killAll()
		os.Exit(143)
	}()
	s.send(builderproto.Reply{Ready: true})
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var wg sync.WaitGroup
	for in.Scan() {
		var req builderproto.Request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			continue
		}
		if req.Cancel {
			s.kill(req.ID)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.run(req)
		}()
	}
	// gorepro is done with this builder, or gone.
	s.killAll()
	wg.Wait()
}
