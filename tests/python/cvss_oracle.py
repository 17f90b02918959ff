"""Reads CVSS vectors, one a line, and prints for each one line of scores computed by Red Hat's
`cvss` library, the reference implementation the Rust crate accord-cvss is compared with:

  CVSS:3.x  "<base> <temporal> <environmental> <base severity> <temporal severity> <environmental severity>"
  CVSS:4.0  "<score> <severity>"   (the score of the vector as given: CVSS-B, -BT, -BE or -BTE)

or "error: <reason>" when the library refuses the vector."""
import sys

from cvss import CVSS3, CVSS4

for line in sys.stdin:
    vector = line.strip()
    try:
        if vector.startswith("CVSS:4.0/"):
            c = CVSS4(vector)
            print(f"{c.base_score:.1f} {c.severity}")
        else:
            c = CVSS3(vector)
            scores = " ".join(f"{s:.1f}" for s in c.scores())
            print(f"{scores} {' '.join(c.severities())}")
    except Exception as e:  # the library raises several kinds; any of them is a refusal
        print("error: " + " ".join(str(e).split())[:300])
