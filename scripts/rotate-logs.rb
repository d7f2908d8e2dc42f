#! /usr/bin/env nix-shell
#! nix-shell -i ruby -p ruby
#! nix-shell -I nixpkgs=https://github.com/NixOS/nixpkgs/archive/refs/tags/24.11.tar.gz
# Keep the newest N files of a log folder, delete the rest.
require "fileutils"

dir = ARGV.fetch(0, "/var/log/app")
keep = Integer(ARGV.fetch(1, "10"))
files = Dir.glob(File.join(dir, "*.log")).sort_by { |f| File.mtime(f) }.reverse
files.drop(keep).each do |f|
  puts "removing #{f}"
  FileUtils.rm_f(f)
end
puts "kept #{[files.size, keep].min} of #{files.size} files"
