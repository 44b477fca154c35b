"""Electronic service (电子送达) with proof: delivering the filed packets and proving each delivery."""
