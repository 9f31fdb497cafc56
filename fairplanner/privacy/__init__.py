"""Personal data: the privacy notice and its versions, consents to it, and the data export."""
