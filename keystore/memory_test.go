package keystore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/camunda-community-hub/camunda-credential-helper/keystore"
)

func TestMemory(t *testing.T) {
	ctx := context.Background()
	var s keystore.Memory // the zero value is ready for use
	steps := []struct {
		op, profile, secret string
		want                string
		wantErr             error
	}{
		{op: "get", profile: "default", wantErr: keystore.ErrNotFound},
		{op: "delete", profile: "default"}, // deleting a missing secret is fine
		{op: "set", profile: "default", secret: "s3cr3t"},
		{op: "get", profile: "default", want: "s3cr3t"},
		{op: "get", profile: "other", wantErr: keystore.ErrNotFound},
		{op: "set", profile: "other", secret: "line1\nline2 ü"},
		{op: "set", profile: "default", secret: "rotated"},
		{op: "get", profile: "default", want: "rotated"},
		{op: "get", profile: "other", want: "line1\nline2 ü"},
		{op: "delete", profile: "default"},
		{op: "get", profile: "default", wantErr: keystore.ErrNotFound},
		{op: "get", profile: "other", want: "line1\nline2 ü"},
		{op: "set", profile: "empty", secret: ""},
		{op: "get", profile: "empty", want: ""},
	}
	for i, st := range steps {
		var got string
		var err error
		switch st.op {
		case "get":
			got, err = s.Get(ctx, st.profile)
		case "set":
			err = s.Set(ctx, st.profile, st.secret)
		case "delete":
			err = s.Delete(ctx, st.profile)
		}
		if !errors.Is(err, st.wantErr) || (st.wantErr == nil && err != nil) {
			t.Fatalf("step %d: %s(%q) error = %v; want %v", i, st.op, st.profile, err, st.wantErr)
		}
		if got != st.want {
			t.Fatalf("step %d: %s(%q) = %q; want %q", i, st.op, st.profile, got, st.want)
		}
	}
}

func TestMemoryConcurrent(t *testing.T) {
	ctx := context.Background()
	var s keystore.Memory
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			p := string(rune('a' + i))
			for range 100 {
				_ = s.Set(ctx, p, p)
				if v, err := s.Get(ctx, p); err != nil || v != p {
					t.Errorf("Get(%q) = %q, %v", p, v, err)
					return
				}
				_ = s.Delete(ctx, p)
			}
		}()
	}
	for range 8 {
		<-done
	}
}
