Console.WriteLine("usage: tide-bench <benchmark>");
return 0;
