package pollsapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"eportal/internal/apigw"
	"eportal/internal/metrics"
)

// TestMetricsVoteCounted: a counted vote writes VotesCounted 1 as the
// function's EMF line (apigw.Instrument, as lambdaenv.Observe wires it); a
// repeat (409) and a read write none.
func TestMetricsVoteCounted(t *testing.T) {
	e := mustEnv(t)
	var buf bytes.Buffer
	handle := apigw.Instrument(metrics.New(&buf, "eportal-PollsFunction-test"), e.h.Handle)

	resp, err := handle(context.Background(), event(t, "vote"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("vote = %d, %v: %s", resp.StatusCode, err, resp.Body)
	}
	line := buf.String()
	if !strings.Contains(line, `"Metrics":[{"Name":"VotesCounted","Unit":"Count"}]`) ||
		!strings.HasSuffix(line, `"Function":"eportal-PollsFunction-test","VotesCounted":1}`+"\n") {
		t.Errorf("EMF after a counted vote: %q", line)
	}

	buf.Reset()
	token := resp.Headers["X-Voter-Token"]
	resp, _ = handle(context.Background(), voteEvent(t, demoPoll, `{"choices":["o1"]}`, token, ""))
	if resp.StatusCode != 409 || buf.Len() != 0 {
		t.Errorf("repeat vote = %d, EMF %q; want 409 and no line", resp.StatusCode, buf.String())
	}
	resp, _ = handle(context.Background(), getEvent(t, demoPoll, ""))
	if resp.StatusCode != 200 || buf.Len() != 0 {
		t.Errorf("GET = %d, EMF %q; want 200 and no line", resp.StatusCode, buf.String())
	}
}
