"""Enrollment: a partner joins a program by themselves (`join`) or a distributor rep enrolls
many shops at once (`bulk`)."""
