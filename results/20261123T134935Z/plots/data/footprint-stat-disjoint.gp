set terminal pngcairo size 900,540 font 'sans,10' noenhanced
set output 'footprint-stat-disjoint.png'
set encoding utf8
set title 'stat-disjoint: footprint on shared memory, 1 thread' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel 'per operation (count)'
set yrange [0:*]
set key top right
plot 'data/footprint-stat-disjoint.dat' using 2:xtic(1) title 'atomic read-modify-writes on shared words' lc rgb '#d62728', '' using 3 title 'stores to shared words' lc rgb '#1f77b4', '' using 4 title 'reference count changes' lc rgb '#bbbbbb', '' using ($0-0.3):($2):(sprintf('%.3g',$2)) with labels offset 0,0.7 font ',8' notitle

unset output
set terminal svg size 900,540 dynamic font 'sans,10' noenhanced
set output 'footprint-stat-disjoint.svg'
set encoding utf8
set title 'stat-disjoint: footprint on shared memory, 1 thread' noenhanced
set label 99 'vm: Intel(R) Xeon(R) Processor, 1 package, 1 NUMA node, 2 cores, 2 PUs; 2026-11-23; nameibench 333d06b36b74' at screen 0.01, screen 0.02 font ',8' tc rgb '#555555' noenhanced
set bmargin 6
set grid lc rgb '#dddddd'
set key noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel 'per operation (count)'
set yrange [0:*]
set key top right
plot 'data/footprint-stat-disjoint.dat' using 2:xtic(1) title 'atomic read-modify-writes on shared words' lc rgb '#d62728', '' using 3 title 'stores to shared words' lc rgb '#1f77b4', '' using 4 title 'reference count changes' lc rgb '#bbbbbb', '' using ($0-0.3):($2):(sprintf('%.3g',$2)) with labels offset 0,0.7 font ',8' notitle

unset output
