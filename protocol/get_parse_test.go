package protocol

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseMinTTL(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: `"5m"`, want: 5 * time.Minute},
		{in: `"90s"`, want: 90 * time.Second},
		{in: `300`, want: 300 * time.Second},
		{in: `1.5`, want: 1500 * time.Millisecond},
		{in: `0`, want: 0},
		{in: `"-1s"`, wantErr: true},
		{in: `-1`, wantErr: true},
		{in: `-1e300`, wantErr: true},
		{in: `1e300`, wantErr: true},
		{in: `"soon"`, wantErr: true},
		{in: `true`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseMinTTL(json.RawMessage(tt.in))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseMinTTL(%s) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
