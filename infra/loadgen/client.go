package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// maxSources is how many loopback addresses a load sends from.
const maxSources = 32

// NewClient returns the pooled HTTP client a load sends its requests with,
// and how many source addresses it has. On Linux, where the whole of
// 127.0.0.0/8 is the loopback, it keeps one keep-alive pool per address
// 127.0.1.1 to 127.0.1.32, so the server sees 32 client addresses (the
// visitor and voter hashes take the address from the connection); a request
// goes out from the address its context names (see withSource), so a
// visitor who comes back comes from the same address. Where those addresses
// cannot be bound, every request comes from the system's choice. Each pool
// keeps up to idle connections open.
func NewClient(idle int) (*http.Client, int) {
	n := maxSources
	if ln, err := net.Listen("tcp", "127.0.1.1:0"); err != nil {
		n = 1
	} else {
		ln.Close()
	}
	pools := make([]*http.Transport, n)
	for i := range pools {
		d := &net.Dialer{Timeout: 5 * time.Second}
		if n > 1 {
			d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(fmt.Sprintf("127.0.1.%d", i+1))}
		}
		pools[i] = &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConns:        idle,
			MaxIdleConnsPerHost: idle,
			IdleConnTimeout:     30 * time.Second,
		}
	}
	return &http.Client{Transport: sources(pools)}, n
}

// sources routes a request to the pool of the source its context names.
type sources []*http.Transport

func (s sources) RoundTrip(req *http.Request) (*http.Response, error) {
	n, _ := req.Context().Value(sourceKey{}).(int)
	return s[n%len(s)].RoundTrip(req)
}

type sourceKey struct{}

// withSource makes requests under ctx go out from source n (any int ≥ 0;
// taken modulo the client's addresses).
func withSource(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, sourceKey{}, max(n, 0))
}
