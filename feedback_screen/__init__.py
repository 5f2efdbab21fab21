"""The counter-top feedback screen: a small tablet facing the visitor asks for a rating after each visit."""
