// Package redact removes credentials from what gorepro shows or stores:
// URL user information (URL), secret-looking KEY=VALUE pairs (Env), and in
// free text also authorization headers and well-known token formats
// (Text, KnownTokens). Every report and every recorded command goes
// through it. The patterns are compiled once and shared.
package redact
