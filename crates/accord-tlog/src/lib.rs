//! Transparency-log formats (C2SP tlog-checkpoint, signed-note, tlog-tiles; RFC 6962/9162).
