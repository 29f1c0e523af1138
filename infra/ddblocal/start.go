package ddblocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// startTimeout bounds how long Start waits for the engine to answer.
const startTimeout = 30 * time.Second

// mainException starts the message Java prints when main throws.
const mainException = `Exception in thread "main"`

// telemetryOff is what actually disables telemetry in DynamoDB Local 1.25.1
// (found in its bytecode: TelemetryUtil.checkForTelemetryFlag reads this
// variable, while the parsed -disableTelemetry flag is never consulted).
// Without it the engine sends usage events to AWS Pinpoint and writes
// dynamodb-local-metadata.json into its working directory, which would
// litter the repository.
const telemetryOff = "DDB_LOCAL_TELEMETRY=0"

// stopGrace is how long Stop waits after SIGTERM before sending SIGKILL.
const stopGrace = 5 * time.Second

// Options configures Start.
type Options struct {
	// Dir is the directory returned by Ensure.
	Dir string
	// Port is the TCP port to serve on; 0 picks a free one.
	Port int
	// DBPath is the directory where tables are stored; it is created if
	// needed. Empty means in memory (-inMemory): all data goes with the
	// process.
	DBPath string
	// Log receives Java's stdout and stderr; nil discards them.
	Log io.Writer
}

// Instance is a running DynamoDB Local process.
type Instance struct {
	// Endpoint is the URL to send requests to, e.g. http://127.0.0.1:41234.
	Endpoint string

	cmd      *exec.Cmd
	out      *tail
	exited   chan struct{} // closed when the process has exited
	waitErr  error         // set before exited is closed
	stopOnce sync.Once
	stopErr  error
}

// Start runs DynamoDB Local from opts.Dir and returns once it answers a
// ListTables call, or after 30 seconds with an error. ctx bounds only that
// wait; the process keeps running until Stop. It fails if java is not on
// PATH, if opts.Dir does not hold DynamoDBLocal.jar, if opts.Port is taken,
// or if the process exits or throws during start-up, in which case the error
// quotes the end of its output.
//
// The engine runs with -sharedDb: one database whatever the credentials and
// region of the caller. It listens on all interfaces and has no flag to bind
// to one; Endpoint always uses 127.0.0.1.
func Start(ctx context.Context, opts Options) (*Instance, error) {
	java, err := lookJava()
	if err != nil {
		return nil, fmt.Errorf("start dynamodb local: %w", err)
	}
	jar := filepath.Join(opts.Dir, jarName)
	if _, err := os.Stat(jar); err != nil {
		return nil, fmt.Errorf("start dynamodb local: %w (run Ensure first)", err)
	}
	port, err := choosePort(opts.Port)
	if err != nil {
		return nil, fmt.Errorf("start dynamodb local: %w", err)
	}
	args := []string{
		"-Djava.library.path=" + filepath.Join(opts.Dir, "DynamoDBLocal_lib"),
		"-jar", jar,
		"-port", strconv.Itoa(port),
		// One database for every credential and region, so a client with
		// other credentials (the AWS CLI, say) sees the same tables.
		"-sharedDb",
		// Accepted by 1.25.1 but inert: nothing reads it (see telemetryOff).
		// Kept for versions that honour it.
		"-disableTelemetry",
	}
	if opts.DBPath == "" {
		args = append(args, "-inMemory")
	} else {
		if err := os.MkdirAll(opts.DBPath, 0o755); err != nil {
			return nil, fmt.Errorf("start dynamodb local: create db path: %w", err)
		}
		args = append(args, "-dbPath", opts.DBPath)
	}

	out := &tail{}
	var w io.Writer = out
	if opts.Log != nil {
		w = io.MultiWriter(opts.Log, out)
	}
	cmd := exec.Command(java, args...)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.Env = append(os.Environ(), telemetryOff)
	cmd.SysProcAttr = sysProcAttr()
	// Do not let a stuck output pipe keep Wait from returning.
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dynamodb local: %w", err)
	}
	inst := &Instance{
		Endpoint: "http://127.0.0.1:" + strconv.Itoa(port),
		cmd:      cmd,
		out:      out,
		exited:   make(chan struct{}),
	}
	go func() {
		inst.waitErr = cmd.Wait()
		close(inst.exited)
	}()

	if err := inst.waitReady(ctx); err != nil {
		inst.Stop()
		return nil, fmt.Errorf("start dynamodb local on port %d: %w", port, err)
	}
	return inst, nil
}

// waitReady polls ListTables until it succeeds, the process exits, ctx ends
// or startTimeout passes.
func (i *Instance) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client, err := NewClient(ctx, i.Endpoint, func(o *dynamodb.Options) {
		o.RetryMaxAttempts = 1 // the loop below is the retry
	})
	if err != nil {
		return err
	}
	var lastErr error
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		_, lastErr = client.ListTables(attempt, &dynamodb.ListTablesInput{Limit: aws.Int32(1)})
		cancelAttempt()
		if lastErr == nil {
			return nil
		}
		// A start-up failure (such as a failed bind) ends Java's main
		// thread but not the JVM, whose other threads keep it alive: look
		// for the exception rather than wait for an exit that never comes.
		if i.out.contains(mainException) {
			return fmt.Errorf("failed during start-up; last output:\n%s", i.out.lines(20))
		}
		select {
		case <-i.exited:
			return fmt.Errorf("process exited early (%v); last output:\n%s", i.waitErr, i.out.lines(20))
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w (last error: %v); last output:\n%s", ctx.Err(), lastErr, i.out.lines(20))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop ends the process and any children: SIGTERM to its process group, then
// SIGKILL if it has not exited after five seconds. It returns an error if
// the process had already exited before Stop was called, since nothing
// should end it early. Later calls return the first call's result.
func (i *Instance) Stop() error {
	i.stopOnce.Do(func() {
		select {
		case <-i.exited:
			i.stopErr = fmt.Errorf("stop dynamodb local: it had already exited: %v", i.waitErr)
			return
		default:
		}
		pgid := -i.cmd.Process.Pid
		if err := syscall.Kill(pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
			i.stopErr = fmt.Errorf("stop dynamodb local: %w", err)
		}
		select {
		case <-i.exited:
		case <-time.After(stopGrace):
			if err := syscall.Kill(pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
				i.stopErr = fmt.Errorf("stop dynamodb local: %w", err)
			}
			<-i.exited
		}
	})
	return i.stopErr
}

// lookJava returns the path of java, or an error saying it is needed.
func lookJava() (string, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return "", fmt.Errorf("java 17 or later must be on PATH to run DynamoDB Local: %w", err)
	}
	return java, nil
}

// choosePort returns port if it is free, or a free port if port is 0.
//
// A taken port must be caught here: Java would fail to bind yet stay alive,
// and if the port's owner is another DynamoDB Local, the readiness check
// would succeed against it. Another process could still take the port
// before Java binds it; the window is small and the readiness loop then
// sees Java's exception.
func choosePort(port int) (int, error) {
	if port == 0 {
		// DynamoDB Local binds all interfaces, but only 127.0.0.1 is used.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("pick a free port: %w", err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port, nil
	}
	// Check the way Java will bind: on all interfaces.
	l, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err != nil {
		return 0, fmt.Errorf("port %d is not free: %w", port, err)
	}
	l.Close()
	return port, nil
}
