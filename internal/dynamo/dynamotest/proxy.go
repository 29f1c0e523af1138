package dynamotest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy is a TCP proxy in front of DynamoDB Local that can stall: while
// paused it keeps accepting connections and reading requests but passes
// nothing on in either direction — a table that accepts connections and
// does not answer, the failure that hangs a client without timeouts. Point a
// client at Endpoint. It closes when the test ends.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed when the proxy resumes
}

// NewProxy starts a proxy to endpoint (DynamoDB Local's http://host:port).
func NewProxy(tb testing.TB, endpoint string) *Proxy {
	tb.Helper()
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		tb.Fatalf("proxy target %q: %v", endpoint, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{ln: ln, target: u.Host, resume: make(chan struct{})}
	close(p.resume)
	go p.serve()
	tb.Cleanup(func() { p.Resume(); ln.Close() })
	return p
}

// Endpoint is the proxy's http://host:port.
func (p *Proxy) Endpoint() string { return "http://" + p.ln.Addr().String() }

// Pause stalls every connection, open or new.
func (p *Proxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paused {
		p.paused, p.resume = true, make(chan struct{})
	}
}

// Resume lets traffic through again; what was held back flows on.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		p.paused = false
		close(p.resume)
	}
}

func (p *Proxy) gate() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resume
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.relay(c)
	}
}

func (p *Proxy) relay(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	go func() { p.copy(server, client); done <- struct{}{} }()
	go func() { p.copy(client, server); done <- struct{}{} }()
	<-done
}

// copy moves bytes from src to dst, holding each chunk while paused.
func (p *Proxy) copy(dst io.WriteCloser, src io.Reader) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			<-p.gate()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
