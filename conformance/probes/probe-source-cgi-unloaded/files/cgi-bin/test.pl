#!/usr/bin/perl
print "Content-Type: text/plain\n\nhello\n";
