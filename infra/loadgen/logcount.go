package loadgen

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// LogCounter is a slog.Handler that counts the warnings and errors it hands
// on to another handler: the server's log goes to a file, its counts to the
// report.
type LogCounter struct {
	next   slog.Handler
	counts *logCounts
}

type logCounts struct{ warnings, errors atomic.Int64 }

// NewLogCounter returns a LogCounter that hands records on to next.
func NewLogCounter(next slog.Handler) LogCounter {
	return LogCounter{next: next, counts: &logCounts{}}
}

// Counts returns how many warnings and errors were logged.
func (c LogCounter) Counts() (warnings, errors int64) {
	return c.counts.warnings.Load(), c.counts.errors.Load()
}

// Enabled reports whether next handles level.
func (c LogCounter) Enabled(ctx context.Context, level slog.Level) bool {
	return c.next.Enabled(ctx, level)
}

// Handle counts r and hands it on.
func (c LogCounter) Handle(ctx context.Context, r slog.Record) error {
	switch {
	case r.Level >= slog.LevelError:
		c.counts.errors.Add(1)
	case r.Level >= slog.LevelWarn:
		c.counts.warnings.Add(1)
	}
	return c.next.Handle(ctx, r)
}

// WithAttrs returns a LogCounter with the same counts over next.WithAttrs.
func (c LogCounter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return LogCounter{next: c.next.WithAttrs(attrs), counts: c.counts}
}

// WithGroup returns a LogCounter with the same counts over next.WithGroup.
func (c LogCounter) WithGroup(name string) slog.Handler {
	return LogCounter{next: c.next.WithGroup(name), counts: c.counts}
}
