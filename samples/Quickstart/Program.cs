Console.WriteLine("AfterSales.Quality Quickstart");
