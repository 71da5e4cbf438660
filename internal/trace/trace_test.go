package trace

import (
	"bytes"
	"context"
	"testing"
)

func TestPrintf(t *testing.T) {
	var b bytes.Buffer
	Printf(context.Background(), "cache", "miss") // no trace: nothing, no panic
	ctx := With(context.Background(), &b)
	if !On(ctx) || On(context.Background()) {
		t.Fatal("On does not tell a traced context from another")
	}
	Printf(ctx, "cache", "miss (%s)\nsecond line", "expired")
	if got, want := b.String(), Prefix+"cache: miss (expired) second line\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
