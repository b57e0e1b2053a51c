#!/bin/sh
# Regenerates the SIP call-in prompts in src/sip/prompts/ (raw G.711 A-law, 8 kHz mono) with
# espeak-ng and sox (Debian packages of the same names). The files are committed, so neither tool
# is needed to run the hub; run this after changing a text. µ-law is derived from A-law at run time.
set -eu
out="$(dirname "$0")/../src/sip/prompts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

say() { # language name text
  espeak-ng -v "$1" -s 150 -w "$work/$2.wav" "$3"
  sox "$work/$2.wav" -r 8000 -c 1 -e a-law -t raw "$out/$1-$2.alaw" norm -3
}

say de welcome 'Willkommen. Bitte geben Sie die Konferenznummer ein, gefolgt von der Raute.'
say de pin 'Bitte geben Sie die PIN ein, gefolgt von der Raute.'
say de wrong 'Die Nummer oder die PIN ist falsch. Bitte versuchen Sie es noch einmal.'
say de goodbye 'Leider hat es nicht geklappt. Auf Wiederhören.'
say de waiting 'Bitte warten Sie, Sie werden gleich in die Konferenz gelassen.'
say de joined 'Sie sind jetzt in der Konferenz.'
say de muted 'Stumm geschaltet.'
say de unmuted 'Mikrofon an.'
say de unavailable 'Die Konferenz ist gerade nicht erreichbar. Bitte rufen Sie später noch einmal an.'

say en welcome 'Welcome. Please enter the conference number, followed by the hash key.'
say en pin 'Please enter the PIN, followed by the hash key.'
say en wrong 'The number or the PIN is not correct. Please try again.'
say en goodbye 'Sorry, that did not work. Goodbye.'
say en waiting 'Please wait, you will be let into the conference shortly.'
say en joined 'You are now in the conference.'
say en muted 'Muted.'
say en unmuted 'Unmuted.'
say en unavailable 'The conference cannot be reached right now. Please call again later.'
